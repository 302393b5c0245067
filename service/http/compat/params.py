"""Reading a compatible API's parameters: its clients send JSON, form-encoded or multipart bodies
(and, for GET, the query string), with a list as a JSON array or as a repeated field."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request

from ...domain.errors import InvalidInput
from ..responses import json_syntax_error
from ..schemas import inline_schema

M = TypeVar("M", bound=BaseModel)
LISTS = frozenset({"q", "text", "non_splitting_tags", "splitting_tags", "ignore_tags", "glossary_ids"})


async def read_params(request: Request) -> tuple[dict[str, Any], dict[str, UploadFile]]:
    """The request's fields (repeated fields of a list parameter as a list) and its files."""
    params: dict[str, Any] = {}
    for key in request.query_params:  # a list parameter repeated in the query string is a list (GET /v2/translate)
        values = request.query_params.getlist(key)
        params[key] = values if key in LISTS and len(values) > 1 else values[-1]
    files: dict[str, UploadFile] = {}
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        raw = await request.body()
        try:
            body = json.loads(raw or b"{}")
        except json.JSONDecodeError as exc:
            raise InvalidInput(json_syntax_error(exc.msg, exc.doc, exc.pos)) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"The request body is not valid JSON: {exc}.") from exc
        if not isinstance(body, dict):
            raise InvalidInput("The request body must be a JSON object.")
        params.update(body)
    elif kind in ("application/x-www-form-urlencoded", "multipart/form-data"):
        form: FormData = await request.form()
        for key in form:
            values = form.getlist(key)
            uploads = [v for v in values if isinstance(v, UploadFile)]
            if uploads:
                files[key] = uploads[0]
            else:
                params[key] = values if key in LISTS and len(values) > 1 else values[-1]
    return params, files


def parse(model: type[M], params: dict[str, Any]) -> M:
    """The parameters as ``model``; InvalidInput naming each problem."""
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(p) for p in error['loc']) or 'body'}: {str(error['msg']).removeprefix('Value error, ')}"
            for error in exc.errors()
        ]
        raise InvalidInput("Invalid request: " + "; ".join(problems)) from None


def body_schema(model: type[BaseModel], *, multipart: bool = False) -> dict[str, Any]:
    """An OpenAPI ``requestBody`` that takes the model as JSON and as a form."""
    schema = inline_schema(model)
    kinds = ["application/json", "application/x-www-form-urlencoded"] + (["multipart/form-data"] if multipart else [])
    return {"requestBody": {"required": True, "content": {kind: {"schema": schema} for kind in kinds}}}
