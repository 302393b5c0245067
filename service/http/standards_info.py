"""What /v1/models and /v1/languages say of Bokmål ↔ Nynorsk: the rule-based engine (Apertium), its
variant and pool, the route of English into Nynorsk, and why it is missing when it is."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class StandardsInfo(BaseModel):
    engine: str = Field(description="The Bokmål ↔ Nynorsk engine: Apertium's nno-nob pair, run as separate processes")
    version: str | None = Field(None, description="The installed apertium-nno-nob data (Debian package version)")
    pairs: list[str] = Field(description="nb-nn and nn-nb")
    available: bool = Field(description="false: the pair answers 503 with the packages to install (see error)")
    nynorsk_variant: Literal["nno", "nno_e"] = Field(
        description="nno_e: e-infinitive and 'vi'; nno: a-infinitive and 'me' (OVERSETT_NYNORSK_VARIANT)"
    )
    english_to_nynorsk: Literal["bokmal", "direct"] = Field(
        description="bokmal: English → Bokmål by the model, then Apertium; direct: the model's own Nynorsk "
        "(OVERSETT_NYNORSK_ROUTE; direct when Apertium is missing)"
    )
    pipelines: int = Field(description="Long-lived Apertium pipelines kept for each direction at most (OVERSETT_APERTIUM_PIPELINES)")
    running: int = Field(0, description="Pipelines running now, both directions")
    restarts: int = Field(0, description="Pipelines replaced after a crash, hang or garbage answer")
    error: str | None = None
