"""Standard test sets: FLORES-200 devtest and NTREX-128 ship in ``eval/data``; others come
through sacrebleu's downloader, which needs the network."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCAL_TESTSETS = {"flores200": "flores200-devtest", "ntrex128": "ntrex128"}
# pair → (source file, reference file, oversett's source code, target code)
PAIRS = {
    "nob-eng": ("nob", "eng", "nb", "en"), "nno-eng": ("nno", "eng", "nn", "en"),
    "eng-nob": ("eng", "nob", "en", "nb"), "eng-nno": ("eng", "nno", "en", "nn"),
    # Bokmål ↔ Nynorsk (Apertium). FLORES and NTREX have separate Bokmål and Nynorsk translations of
    # English, not translations of each other: only figures relative to the unchanged source mean much.
    "nob-nno": ("nob", "nno", "nb", "nn"), "nno-nob": ("nno", "nob", "nn", "nb"),
}
STANDARD_PAIRS = frozenset({"nob-nno", "nno-nob"})

# Published BLEU / chrF of the real models (eval/data/README.md).
PUBLISHED: dict[tuple[str, str], dict[str, tuple[float, float]]] = {
    ("flores200", "nob-eng"): {
        "Helsinki-NLP/opus-mt-tc-big-gmq-en": (44.2, 68.2),
        "opus-mt-gmq-en family (opus2m-2020-08-12)": (35.9, 62.0),
        "NLLB-200-distilled-600M": (38.3, 63.2),
    },
    ("ntrex128", "nob-eng"): {
        "Helsinki-NLP/opus-mt-tc-big-gmq-en": (42.6, 66.6),
        "opus-mt-gmq-en family (opus2m-2020-08-12)": (33.5, 60.5),
        "NLLB-200-distilled-600M": (38.9, 63.4),
    },
    ("flores200", "nno-eng"): {
        "Helsinki-NLP/opus-mt-tc-big-gmq-en": (45.1, 69.3),
        "opus-mt-gmq-en family (opus2m-2020-08-12)": (36.0, 62.0),
        "NLLB-200-distilled-600M": (40.2, 64.4),
    },
    # English → Norwegian: the OPUS-MT model cards' FLORES-200 devtest figures.
    ("flores200", "eng-nob"): {
        "Helsinki-NLP/opus-mt-tc-big-en-gmq": (34.5, 62.8),
        "Helsinki-NLP/opus-mt-en-gmq": (28.8, 57.9),
    },
    ("flores200", "eng-nno"): {
        "Helsinki-NLP/opus-mt-tc-big-en-gmq": (32.4, 61.1),
    },
    # Bokmål → Nynorsk: the best published OPUS-MT model's FLORES-200 devtest figures (Tatoeba-Challenge
    # leaderboard), beside Apertium's as measured for issue 39 with Debian 12's apertium-nno-nob 1.5.0.
    ("flores200", "nob-nno"): {
        "best OPUS-MT nob-nno (published)": (23.2, 53.6),
        "Apertium nob-nno, apertium-nno-nob 1.5.0 (measured)": (24.1, 55.3),
    },
}


class TestSetUnavailable(Exception):
    """The test set cannot be had here; the message says what to do instead."""

    __test__ = False  # not a pytest test class


@dataclass(frozen=True)
class TestSet:
    __test__ = False  # not a pytest test class

    name: str
    pair: str
    source_lang: str  # oversett's code for the source side
    sources: list[str]
    references: list[str]
    origin: str
    target_lang: str = "en"  # … and for the target side


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def local_files(src: Path, ref: Path, source_lang: str = "auto") -> TestSet:
    for path in (src, ref):
        if not path.is_file():
            raise TestSetUnavailable(f"{path} does not exist")
    sources, references = _lines(src), _lines(ref)
    if len(sources) != len(references):
        raise TestSetUnavailable(f"{src} has {len(sources)} lines but {ref} has {len(references)}")
    return TestSet(src.name, "files", source_lang, sources, references, f"{src} / {ref}")


def load_testset(name: str, pair: str, data_dir: Path = DATA_DIR) -> TestSet:
    if pair not in PAIRS:
        raise TestSetUnavailable(f"pair '{pair}' is not supported; use one of {', '.join(PAIRS)}")
    src_code, ref_code, source_lang, target_lang = PAIRS[pair]
    if name in LOCAL_TESTSETS:
        folder = data_dir / LOCAL_TESTSETS[name]
        found = local_files(folder / f"{src_code}.txt", folder / f"{ref_code}.txt", source_lang)
        return TestSet(name, pair, source_lang, found.sources, found.references, str(folder), target_lang)
    return _from_sacrebleu(name, pair, source_lang, target_lang)


def _from_sacrebleu(name: str, pair: str, source_lang: str, target_lang: str = "en") -> TestSet:
    import sacrebleu
    from sacrebleu.utils import get_reference_files, get_source_file

    if name not in sacrebleu.DATASETS:
        raise TestSetUnavailable(
            f"unknown test set '{name}'; shipped here: {', '.join(LOCAL_TESTSETS)}; "
            "or score your own files with --src FILE --ref FILE"
        )
    langpair = pair.replace("nob", "nb").replace("nno", "nn").replace("eng", "en")
    try:
        source = get_source_file(name, langpair)
        references = get_reference_files(name, langpair)
    except Exception as exc:  # sacrebleu raises several kinds; all mean "cannot have it"
        raise TestSetUnavailable(
            f"test set '{name}' ({langpair}) is not available: sacrebleu could not get it "
            f"({type(exc).__name__}: {str(exc).strip().splitlines()[0] if str(exc).strip() else 'no detail'}). "
            f"Offline, use a shipped set ({', '.join(LOCAL_TESTSETS)}) or --src FILE --ref FILE"
        ) from exc
    found = local_files(Path(source), Path(references[0]), source_lang)
    return TestSet(name, pair, source_lang, found.sources, found.references, f"sacrebleu {name}", target_lang)
