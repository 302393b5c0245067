"""``oversett bench``: naive transformers vs oversett torch vs oversett CTranslate2, side by side.

Runs anywhere, with no downloads: it builds random-weight models with the exact architectures
of Helsinki-NLP/opus-mt-gmq-en (base) and Helsinki-NLP/opus-mt-tc-big-gmq-en (big), and forces
every system to produce the same number of output tokens per sentence, so the systems do the
same work and only their speed differs. All figures of one report come from one run on one
machine, and speed-ups are ratios against the baseline measured in that run.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx

from eval.testsets import DATA_DIR

from ..backends.loading import ModelRef, convert_to_ctranslate2, load_ct2, load_seq2seq
from ..backends.translators import CT2Translator, TorchTranslator
from ..domain.langid import LanguageDetector
from ..domain.text import segment
from ..stores.cache import open_cache
from ..usecases.pipeline import TranslationPipeline
from .tiny import build_marian_translator, seed_lines

# The seed is the repo's (run the benchmark from a checkout); FLORES ships inside eval/.
DEFAULT_SEED_FILE = Path("seeds") / "000_ce698dbb45a80c69.txt"
DEFAULT_TOKENIZER_TEXT = DATA_DIR / "flores200-devtest" / "nob.txt"

# Published configurations (config.json on the Hub). The base model's vocabulary size is
# estimated from its 296 MB float32 checkpoint (74 M parameters): about 57 k entries.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "base": {
        "hub_id": "Helsinki-NLP/opus-mt-gmq-en",
        "vocab_size": 57_000,
        "config": {
            "d_model": 512,
            "encoder_layers": 6,
            "decoder_layers": 6,
            "encoder_attention_heads": 8,
            "decoder_attention_heads": 8,
            "encoder_ffn_dim": 2048,
            "decoder_ffn_dim": 2048,
            "max_position_embeddings": 512,
            "activation_function": "swish",
        },
    },
    "big": {
        "hub_id": "Helsinki-NLP/opus-mt-tc-big-gmq-en",
        "vocab_size": 54_765,
        "config": {
            "d_model": 1024,
            "encoder_layers": 6,
            "decoder_layers": 6,
            "encoder_attention_heads": 16,
            "decoder_attention_heads": 16,
            "encoder_ffn_dim": 4096,
            "decoder_ffn_dim": 4096,
            "max_position_embeddings": 1024,
            "activation_function": "relu",
        },
    },
}
OUTPUT_TOKENS_PER_WORD = 1.3  # English tokens per Norwegian word, for the forced length


@dataclass
class SystemResult:
    model: str
    system: str
    beams: int
    seconds: float
    sentences: int
    output_tokens: int
    sentence_p50_ms: float | None = None
    sentence_p95_ms: float | None = None

    @property
    def sentences_per_s(self) -> float:
        return self.sentences / self.seconds

    @property
    def tokens_per_s(self) -> float:
        return self.output_tokens / self.seconds


@dataclass
class HttpResult:
    mode: str
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p95_ms: float

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds


@dataclass
class Report:
    machine: dict[str, Any]
    output_tokens: int
    systems: list[SystemResult] = field(default_factory=list)
    cache: dict[str, float] = field(default_factory=dict)
    http: list[HttpResult] = field(default_factory=list)
    service_rss: dict[str, float] = field(default_factory=dict)
    checks: dict[str, float] = field(default_factory=dict)
    pipeline: dict[str, float] = field(default_factory=dict)
    summaries: list[dict[str, Any]] = field(default_factory=list)
    stream: dict[str, float] = field(default_factory=dict)
    both_models_rss: dict[str, float] = field(default_factory=dict)
    documents: dict[str, float] = field(default_factory=dict)
    glossary: dict[str, float] = field(default_factory=dict)
    bench_peak_rss_mib: float = 0.0


def machine_info(threads: int) -> dict[str, Any]:
    import ctranslate2
    import torch
    import transformers

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "threads": threads,
        "python": platform.python_version(),
        "torch": torch.__version__,
        "transformers": transformers.__version__,
        "ctranslate2": ctranslate2.__version__,
    }


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- building the models -------------------------------------------------------------------


def build_models(work: Path, name: str, lines: list[str], log: Callable[[str], None]) -> tuple[Path, Path]:
    arch = ARCHITECTURES[name]
    hf_dir = work / f"{name}-hf"
    ct2_dir = work / f"{name}-ct2-int8"
    log(f"building a random-weight {name} model ({arch['hub_id']} architecture)")
    build_marian_translator(
        hf_dir, lines, arch["config"], spm_vocab_size=8000, model_vocab_size=arch["vocab_size"]
    )
    log(f"converting the {name} model to CTranslate2 int8")
    convert_to_ctranslate2(ModelRef(str(hf_dir), "translation", "-"), ct2_dir, "int8")
    return hf_dir, ct2_dir


# --- the systems ---------------------------------------------------------------------------


def run_naive(hf_dir: Path, sentences: list[str], beams: int, length: int) -> tuple[float, list[float]]:
    """What a first script does: transformers, one sentence at a time."""
    import torch
    from transformers import AutoTokenizer, MarianMTModel

    tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    model = MarianMTModel.from_pretrained(hf_dir).eval()
    times: list[float] = []
    started = time.perf_counter()
    for sentence in sentences:
        t0 = time.perf_counter()
        with torch.inference_mode():
            output = model.generate(
                **tokenizer([sentence], return_tensors="pt"),
                num_beams=beams,
                max_new_tokens=length,
                min_new_tokens=length,
                max_length=None,
            )
        tokenizer.decode(output[0], skip_special_tokens=True)
        times.append(time.perf_counter() - t0)
    return time.perf_counter() - started, times


def run_translator(translator: TorchTranslator | CT2Translator, sentences: list[str], beams: int) -> float:
    started = time.perf_counter()
    translator.translate(sentences, beams)
    return time.perf_counter() - started


def bench_model(
    name: str, hf_dir: Path, ct2_dir: Path, sentences: list[str], length: int, beams_list: Sequence[int],
    threads: int, log: Callable[[str], None],
) -> list[SystemResult]:
    import torch

    torch.set_num_threads(threads)
    results: list[SystemResult] = []
    torch_translator = TorchTranslator(load_seq2seq(ModelRef(str(hf_dir), "translation", "-")))
    ct2_translator = CT2Translator(load_ct2(ct2_dir, intra_threads=threads))
    for translator in (torch_translator, ct2_translator):
        translator.forced_output_tokens = length
    total_tokens = length * len(sentences)
    # Warm up each system once on a short input, so first-call set-up is not measured.
    run_translator(torch_translator, sentences[:2], 1)
    run_translator(ct2_translator, sentences[:2], 1)
    for beams in beams_list:
        log(f"{name}: naive transformers, one sentence at a time, beams={beams}")
        seconds, times = run_naive(hf_dir, sentences, beams, length)
        results.append(
            SystemResult(name, "naive transformers (1 sentence at a time)", beams, seconds, len(sentences),
                         total_tokens, percentile(times, 50) * 1000, percentile(times, 95) * 1000)
        )
        log(f"{name}: oversett torch, batched, beams={beams}")
        results.append(SystemResult(name, "oversett torch (batched)", beams,
                                    run_translator(torch_translator, sentences, beams), len(sentences), total_tokens))
        log(f"{name}: oversett CTranslate2 int8, beams={beams}")
        results.append(SystemResult(name, "oversett ctranslate2 int8", beams,
                                    run_translator(ct2_translator, sentences, beams), len(sentences), total_tokens))
    return results


def bench_cache(ct2_dir: Path, text: str, beams: int, length: int, threads: int, work: Path) -> dict[str, float]:
    """The seed article cold (empty cache) and again (every sentence cached)."""
    translator, detector = _seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, open_cache(str(work / "bench-cache.sqlite3")), detector, num_beams=beams)
    started = time.perf_counter()
    pipeline.translate_documents([text])
    cold = time.perf_counter() - started
    started = time.perf_counter()
    (warm_result,) = pipeline.translate_documents([text])
    warm = time.perf_counter() - started
    assert all(s.cached for s in warm_result.segments)
    pipeline.cache.close()
    return {"cold_s": cold, "cached_s": warm, "speedup": cold / warm}


# sshleifer/distilbart-cnn-12-6's published configuration (config.json on the Hub).
DISTILBART = {
    "d_model": 1024, "encoder_layers": 12, "decoder_layers": 6, "encoder_attention_heads": 16,
    "decoder_attention_heads": 16, "encoder_ffn_dim": 4096, "decoder_ffn_dim": 4096,
    "max_position_embeddings": 1024,
}
DISTILBART_VOCAB = 50264
SUMMARY_TOKENS = 60  # every system writes exactly this many tokens
ENGLISH_SEED = Path("eval") / "references" / "000_ce698dbb45a80c69.en.txt"


def bench_summaries(
    work: Path, english: str, lines: list[str], beams: int, threads: int, log: Callable[[str], None]
) -> tuple[list[dict[str, Any]], Path]:
    """Summary latency for the seed: transformers' summarization pipeline vs oversett's torch
    and CTranslate2 summarisers, random weights of distilbart-cnn-12-6, the same input (truncated
    to 1,024 tokens) and exactly SUMMARY_TOKENS output tokens each. Returns rows and the
    converted model."""
    import torch
    from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

    from ..backends.summarizers import CT2Summarizer, Seq2SeqSummarizer
    from ..domain.presets import LengthPreset
    from .tiny import build_tiny_summarizer

    torch.set_num_threads(threads)
    hf_dir, ct2_dir = work / "distilbart-hf", work / "distilbart-ct2-int8"
    log("building a random-weight summariser (sshleifer/distilbart-cnn-12-6 architecture)")
    build_tiny_summarizer(hf_dir, lines, architecture=DISTILBART, bpe_vocab_size=8000, model_vocab_size=DISTILBART_VOCAB)
    log("converting the summariser to CTranslate2 int8")
    convert_to_ctranslate2(ModelRef(str(hf_dir), "summarization", "-"), ct2_dir, "int8")
    preset = LengthPreset("short", 1, 2, 50, SUMMARY_TOKENS, SUMMARY_TOKENS)
    # transformers 5 removed pipeline("summarization"); this is what it did: tokenize with
    # truncation, generate, decode, one text at a time, in float32 eager torch.
    naive_tokenizer = AutoTokenizer.from_pretrained(hf_dir)
    naive_model = AutoModelForSeq2SeqLM.from_pretrained(hf_dir).eval()

    def run_naive() -> None:
        inputs = naive_tokenizer(english, return_tensors="pt", truncation=True)
        with torch.no_grad():
            output = naive_model.generate(**inputs, num_beams=beams, min_new_tokens=SUMMARY_TOKENS,
                                          max_new_tokens=SUMMARY_TOKENS, max_length=None, min_length=None,
                                          no_repeat_ngram_size=3)
        naive_tokenizer.batch_decode(output, skip_special_tokens=True)

    torch_summarizer = Seq2SeqSummarizer(load_seq2seq(ModelRef(str(hf_dir), "summarization", "-")), num_beams=beams)
    ct2_summarizer = CT2Summarizer(load_ct2(ct2_dir, intra_threads=threads), num_beams=beams)
    systems = {
        "naive transformers (summarization-pipeline steps)": run_naive,
        "oversett torch": lambda: torch_summarizer.summarize([english], preset),
        "oversett ctranslate2 int8": lambda: ct2_summarizer.summarize([english], preset),
    }
    rows = []
    for name, work_once in systems.items():
        log(f"summary: {name}")
        work_once()  # warm up
        rows.append({"system": name, "beams": beams, "seconds": min(_timed(work_once) for _ in range(2))})
    for row in rows:
        row["speedup"] = rows[0]["seconds"] / row["seconds"]
    return rows, ct2_dir


def bench_stream(ct2_dir: Path, text: str, beams: int, length: int, threads: int) -> dict[str, float]:
    """A 100-sentence document streamed through the pipeline (empty cache): when the first
    segment comes, and when the last."""
    from ..stores.cache import NullCache
    from ..usecases.batching import DynamicBatcher

    translator, detector = _seed_translator(ct2_dir, length, threads)
    batcher = DynamicBatcher(translator)
    try:
        TranslationPipeline(batcher, NullCache(), detector, num_beams=beams, retry=False).translate_documents(["Hei på deg."])
        pipeline = TranslationPipeline(batcher, NullCache(), detector, num_beams=beams, retry=False)
        started = time.perf_counter()
        first = None
        sentences = 0
        for event in pipeline.stream_documents([text]):
            if event.segment is not None:
                sentences += 1
                first = first if first is not None else time.perf_counter() - started
        total = time.perf_counter() - started
    finally:
        batcher.close()
    return {"sentences": sentences, "first_s": first or total, "total_s": total, "share": (first or total) / total}


def bench_both_models_rss(
    translator_ct2: Path, summarizer_ct2: Path, english: str, text: str, beams: int, length: int, threads: int,
    work: Path, log: Callable[[str], None],
) -> dict[str, float]:
    """Peak RSS of `oversett serve` with the big translator and the summariser both on
    CTranslate2, after translating and summarising."""
    env = {
        "OVERSETT_TRANSLATOR": str(translator_ct2),
        "OVERSETT_SUMMARIZER": str(summarizer_ct2),
        "OVERSETT_CACHE": "none",
        "OVERSETT_THREADS": str(threads),
        "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning",
    }
    service = ServiceProcess(env, work / "service-both.log")
    try:
        service.wait_ready()
        idle = _vm_rss_mib(service.process.pid)
        log("RSS: translate and summarise through a service with both models on CTranslate2")
        with httpx.Client(timeout=600) as client:
            models = client.get(f"{service.base}/v1/models").json()
            assert models["translator"]["backend"] == "ctranslate2"
            client.post(f"{service.base}/v1/translate", json={"text": text, "source_lang": "nb", "num_beams": beams})
            client.post(f"{service.base}/v1/summarize", json={"text": english, "source_lang": "en", "method": "abstractive"})
        return {"idle_mib": idle, "after_mib": _vm_rss_mib(service.process.pid), "peak_mib": _vm_hwm_mib(service.process.pid)}
    finally:
        service.stop()


def bench_pipeline(
    ct2_dir: Path, text: str, beams: int, length: int, threads: int, work: Path, repeats: int = 3
) -> dict[str, float]:
    """The seed's sentences straight to CTranslate2, against the seed through the whole pipeline
    as the service runs it (language id, segmentation, an empty SQLite cache, the dynamic batcher,
    the checks; cautious retries off: they are model work that depends on the model's quality).
    Best of ``repeats`` each."""
    from ..usecases.batching import DynamicBatcher

    translator, detector = _seed_translator(ct2_dir, length, threads)
    sentences = segment(text).sentences
    translator.translate(sentences, beams)  # warm up
    bare = min(_timed(lambda: translator.translate(sentences, beams)) for _ in range(repeats))
    batcher = DynamicBatcher(translator)
    best = float("inf")
    try:
        for attempt in range(repeats + 1):
            cache = open_cache(str(work / f"pipeline-{attempt}.sqlite3"))
            pipeline = TranslationPipeline(batcher, cache, detector, num_beams=beams, retry=False)
            seconds = _timed(lambda: pipeline.translate_documents([text]))
            cache.close()
            if attempt:  # the first run warms lingua, wordfreq and the batcher
                best = min(best, seconds)
    finally:
        batcher.close()
    return {"bare_s": bare, "pipeline_s": best, "overhead": best / bare - 1}


def _timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def _best_of(work: Callable[[], Any], repeats: int) -> float:
    """Seconds of the fastest of ``repeats`` runs, after one run to warm up (lingua, wordfreq,
    CTranslate2)."""
    work()
    return min(_timed(work) for _ in range(repeats))


def _seed_translator(ct2_dir: Path, length: int, threads: int) -> tuple[CT2Translator, LanguageDetector]:
    """The converted model on CTranslate2, every output forced to ``length`` tokens, and a
    language detector already warm: what the pipeline benchmarks translate with."""
    translator = CT2Translator(load_ct2(ct2_dir, intra_threads=threads))
    translator.forced_output_tokens = length
    detector = LanguageDetector()
    detector.warm_up()
    return translator, detector


def bench_checks(ct2_dir: Path, text: str, beams: int, length: int, threads: int, repeats: int = 3) -> dict[str, float]:
    """The seed through the pipeline (empty cache) with the faithfulness checks and protected
    spans, and without them; best of ``repeats`` each (cautious retries off: they are model work,
    not the checks' cost)."""
    from ..stores.cache import NullCache

    translator, detector = _seed_translator(ct2_dir, length, threads)
    timings: dict[str, float] = {}
    for label, checks in (("without", False), ("with", True)):
        pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, checks=checks, retry=False)
        timings[f"{label}_s"] = _best_of(lambda: pipeline.translate_documents([text]), repeats)
    timings["overhead"] = timings["with_s"] / timings["without_s"] - 1
    return timings


def bench_documents(
    ct2_dir: Path, paragraphs: list[str], beams: int, length: int, threads: int, repeats: int = 3
) -> dict[str, float]:
    """The same paragraphs as a .docx (every third one with a bold phrase) through the format
    layer, and as plain text through the pipeline; empty cache, best of ``repeats`` each."""
    from ..formats.docx import Docx
    from ..stores.cache import NullCache
    from ..usecases.documents import translate_file
    from .samples import docx_of

    translator, detector = _seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, retry=False)
    text = "\n\n".join(paragraphs)
    data = docx_of(paragraphs)
    runs = {
        "txt": lambda: pipeline.translate_documents([text], "nb"),
        "docx": lambda: translate_file(pipeline, Docx(), data, "nb"),
    }
    timings: dict[str, float] = {}
    for label, work in runs.items():
        timings[f"{label}_s"] = _best_of(work, repeats)
    timings["paragraphs"] = len(paragraphs)
    timings["overhead"] = timings["docx_s"] / timings["txt_s"] - 1
    return timings


def bench_glossary(ct2_dir: Path, text: str, beams: int, length: int, threads: int, repeats: int = 3) -> dict[str, float]:
    """The seed through the pipeline (empty cache) with a 200-term glossary and without; the
    glossary holds the seed's own names and words that recur (so terms are applied) and made-up
    terms (so most of the matcher's work is looking). Best of ``repeats`` each."""
    import re as _re

    from ..domain.glossary import build_glossary
    from ..stores.cache import NullCache

    words = list(dict.fromkeys(w for w in _re.findall(r"[A-ZÆØÅ][a-zæøå-]{3,}", text)))[:40]
    terms = [(w, f"{w} (EN)", None) for w in words]
    terms += [(f"fagterm{i}", f"term {i}", None) for i in range(200 - len(terms))]
    glossary = build_glossary("bench", terms, [])
    translator, detector = _seed_translator(ct2_dir, length, threads)
    pipeline = TranslationPipeline(translator, NullCache(), detector, num_beams=beams, retry=False)
    timings: dict[str, float] = {"terms": len(glossary.terms)}
    for label, chosen in (("without", None), ("with", glossary)):
        timings[f"{label}_s"] = _best_of(lambda: pipeline.translate_documents([text], "nb", glossary=chosen), repeats)
    (result,) = pipeline.translate_documents([text], "nb", glossary=glossary)
    timings["applied"] = sum(len(s.terms) for s in result.segments)
    timings["overhead"] = timings["with_s"] / timings["without_s"] - 1
    return timings


# --- over HTTP -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _proc_status_mib(pid: int, field: str) -> float:
    """A memory line of /proc/PID/status (VmRSS: now, VmHWM: peak), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _vm_rss_mib(pid: int) -> float:
    return _proc_status_mib(pid, "VmRSS")


def _vm_hwm_mib(pid: int) -> float:
    return _proc_status_mib(pid, "VmHWM")


class ServiceProcess:
    """``oversett serve`` on 127.0.0.1 in a child process, for HTTP load and its memory."""

    def __init__(self, env: dict[str, str], log_path: Path, cwd: Path | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "service", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env={**os.environ, **env}, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd,
        )

    def wait_ready(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                said = self.log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"the service exited with status {self.process.returncode}:\n{said}")
            try:
                if httpx.get(f"{self.base}/ready", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError("the service did not become ready")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self._log.close()


def load_requests(base: str, texts: list[str], beams: int, concurrency: int) -> HttpResult:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    with httpx.Client(timeout=600) as client:

        def send(text: str) -> None:
            nonlocal errors
            t0 = time.perf_counter()
            response = client.post(f"{base}/v1/translate", json={"text": text, "source_lang": "nb", "num_beams": beams})
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                errors += response.status_code != 200

        started = time.perf_counter()
        if concurrency == 1:
            for text in texts:
                send(text)
        else:
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(send, texts))
        seconds = time.perf_counter() - started
    mode = "serial" if concurrency == 1 else f"{concurrency} concurrent clients"
    return HttpResult(mode, len(texts), errors, seconds, percentile(latencies, 50) * 1000, percentile(latencies, 95) * 1000)


def bench_http(
    ct2_dir: Path, sentences: list[str], beams: int, length: int, threads: int, concurrency: int,
    work: Path, log: Callable[[str], None],
) -> tuple[list[HttpResult], dict[str, float]]:
    env = {
        "OVERSETT_BACKEND": "ctranslate2",
        "OVERSETT_CT2_MODEL": str(ct2_dir),
        "OVERSETT_TRANSLATOR": str(ct2_dir),
        "OVERSETT_SUMMARIZER": "none",
        "OVERSETT_CACHE": "none",  # every request does model work
        "OVERSETT_THREADS": str(threads),
        "OVERSETT_FORCE_OUTPUT_TOKENS": str(length),
        "OVERSETT_LOG_LEVEL": "warning",
    }
    service = ServiceProcess(env, work / "service.log")
    try:
        service.wait_ready()
        rss_idle = _vm_rss_mib(service.process.pid)
        load_requests(service.base, sentences[:4], beams, 1)  # warm-up
        log(f"HTTP: {len(sentences)} one-sentence requests, serially")
        serial = load_requests(service.base, sentences, beams, 1)
        log(f"HTTP: the same requests from {concurrency} concurrent clients")
        concurrent = load_requests(service.base, sentences, beams, concurrency)
        rss = {
            "idle_mib": rss_idle,
            "after_load_mib": _vm_rss_mib(service.process.pid),
            "peak_mib": _vm_hwm_mib(service.process.pid),
        }
    finally:
        service.stop()
    return [serial, concurrent], rss


# --- the report ----------------------------------------------------------------------------


def render(report: Report) -> str:
    lines = [
        f"machine: {report.machine['cpu']}, {report.machine['cores']} cores, {report.machine['threads']} threads; "
        f"torch {report.machine['torch']}, transformers {report.machine['transformers']}, "
        f"ctranslate2 {report.machine['ctranslate2']}",
        f"seed article: {str(report.systems[0].sentences) + ' sentences' if report.systems else 'the seed'}, "
        f"every output forced to {report.output_tokens} tokens",
        "",
        f"{'model':<5} {'system':<42} {'beams':>5} {'seconds':>8} {'sent/s':>7} {'tok/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'× naive':>8}",
    ]
    naive = {(r.model, r.beams): r.seconds for r in report.systems if r.system.startswith("naive")}
    for r in report.systems:
        p50 = f"{r.sentence_p50_ms:7.0f}" if r.sentence_p50_ms is not None else f"{'–':>7}"
        p95 = f"{r.sentence_p95_ms:7.0f}" if r.sentence_p95_ms is not None else f"{'–':>7}"
        lines.append(
            f"{r.model:<5} {r.system:<42} {r.beams:>5} {r.seconds:8.2f} {r.sentences_per_s:7.2f} "
            f"{r.tokens_per_s:8.1f} {p50} {p95} {naive[(r.model, r.beams)] / r.seconds:8.2f}"
        )
    if report.cache:
        c = report.cache
        lines += ["", f"cache (big, ctranslate2 int8): cold {c['cold_s']:.3f} s, cached repeat {c['cached_s'] * 1000:.1f} ms, "
                  f"{c['speedup']:.0f}× faster"]
    if report.http:
        lines += ["", f"{'HTTP (big, ctranslate2 int8)':<32} {'requests':>8} {'errors':>6} {'seconds':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}"]
        for h in report.http:
            lines.append(f"{h.mode:<32} {h.requests:>8} {h.errors:>6} {h.seconds:8.2f} {h.requests_per_s:7.2f} {h.p50_ms:7.0f} {h.p95_ms:7.0f}")
        lines.append(f"concurrent / serial throughput: {report.http[1].requests_per_s / report.http[0].requests_per_s:.2f}×")
    if report.pipeline:
        p = report.pipeline
        lines += ["", f"pipeline (big, ctranslate2 int8, the seed): bare CTranslate2 {p['bare_s']:.3f} s, "
                  f"through the pipeline {p['pipeline_s']:.3f} s, overhead {100 * p['overhead']:+.1f}%"]
    if report.summaries:
        lines += ["", f"{'summary (distilbart-cnn-12-6 architecture, the seed)':<52} {'beams':>5} {'seconds':>8} {'× naive':>8}"]
        for row in report.summaries:
            lines.append(f"{row['system']:<52} {row['beams']:>5} {row['seconds']:8.2f} {row['speedup']:8.2f}")
    if report.stream:
        t = report.stream
        lines += ["", f"stream (big, ctranslate2 int8, {t['sentences']:.0f} sentences): first segment {t['first_s']:.2f} s, "
                  f"all {t['total_s']:.2f} s ({100 * t['share']:.1f}% of the total)"]
    if report.both_models_rss:
        r = report.both_models_rss
        lines += ["", f"service RSS, translator (big) and summariser both on ctranslate2 int8: idle {r['idle_mib']:.0f} MiB, "
                  f"after {r['after_mib']:.0f} MiB, peak {r['peak_mib']:.0f} MiB ({r['peak_mib'] / 1024:.2f} GiB)"]
    if report.checks:
        c = report.checks
        lines += ["", f"checks (big, ctranslate2 int8, the seed, empty cache): without {c['without_s']:.3f} s, "
                  f"with checks and protected spans {c['with_s']:.3f} s, overhead {100 * c['overhead']:+.1f}%"]
    if report.documents:
        d = report.documents
        lines += ["", f"documents (big, ctranslate2 int8, {d['paragraphs']:.0f} paragraphs, empty cache): as .txt {d['txt_s']:.3f} s, "
                  f"as .docx through the format layer {d['docx_s']:.3f} s, overhead {100 * d['overhead']:+.1f}%"]
    if report.glossary:
        g = report.glossary
        lines += ["", f"glossary (big, ctranslate2 int8, the seed, empty cache): without {g['without_s']:.3f} s, "
                  f"with {g['terms']:.0f} terms ({g['applied']:.0f} applied) {g['with_s']:.3f} s, overhead {100 * g['overhead']:+.1f}%"]
    if report.service_rss:
        r = report.service_rss
        lines += ["", f"service RSS (big, ctranslate2 int8): idle {r['idle_mib']:.0f} MiB, after load {r['after_load_mib']:.0f} MiB, "
                  f"peak {r['peak_mib']:.0f} MiB ({r['peak_mib'] / 1024:.2f} GiB)"]
    lines.append(f"benchmark process peak RSS: {report.bench_peak_rss_mib:.0f} MiB")
    return "\n".join(lines)


def run(
    *, models: Sequence[str] = ("base", "big"), beams: Sequence[int] = (1, 4), threads: int | None = None,
    concurrency: int = 16, http_repeats: int = 4, seed_file: Path = DEFAULT_SEED_FILE,
    parts: Sequence[str] = (
        "models", "cache", "pipeline", "checks", "documents", "glossary", "stream", "summary", "rss", "http",
    ),
    tokenizer_text: Path = DEFAULT_TOKENIZER_TEXT, out: Path | None = None, work_dir: Path | None = None,
    log: Callable[[str], None] = lambda m: print(f"[bench] {m}", file=sys.stderr, flush=True),
) -> Report:
    threads = threads or os.cpu_count() or 1
    text = seed_file.read_text(encoding="utf-8")
    sentences = segment(text).sentences
    words = sum(len(s.split()) for s in sentences) / len(sentences)
    length = max(8, round(words * OUTPUT_TOKENS_PER_WORD))
    lines = seed_lines(seed_file.parent)
    if tokenizer_text.is_file():
        lines += [line for line in tokenizer_text.read_text(encoding="utf-8").splitlines() if line.strip()]
    report = Report(machine_info(threads), length)
    with tempfile.TemporaryDirectory(prefix="oversett-bench-", dir=work_dir) as tmp:
        work = Path(tmp)
        built = {name: build_models(work, name, lines, log) for name in models}
        if "models" in parts:
            for name in models:
                report.systems += bench_model(name, *built[name], sentences, length, beams, threads, log)
        if "big" in built:
            big_ct2 = built["big"][1]
            if "cache" in parts:
                log("cache: the seed cold, then again")
                report.cache = bench_cache(big_ct2, text, max(beams), length, threads, work)
            if "pipeline" in parts:
                log("pipeline: the seed through the pipeline against bare CTranslate2")
                report.pipeline = bench_pipeline(big_ct2, text, max(beams), length, threads, work)
            if "checks" in parts:
                log("checks: the seed with and without the faithfulness checks")
                report.checks = bench_checks(big_ct2, text, max(beams), length, threads)
            if "glossary" in parts:
                log("glossary: the seed with a 200-term glossary and without")
                report.glossary = bench_glossary(big_ct2, text, max(beams), length, threads)
            if "documents" in parts:
                log("documents: 50 paragraphs as .docx against the same text as .txt")
                # 50 paragraphs of two sentences each, no sentence twice (so neither side dedupes more)
                distinct = list(dict.fromkeys(s for line in lines for s in segment(line).sentences if len(s) > 30))
                paragraphs = [f"{distinct[2 * i]} {distinct[2 * i + 1]}" for i in range(min(50, len(distinct) // 2))]
                report.documents = bench_documents(big_ct2, paragraphs, max(beams), length, threads)
            hundred = " ".join(l for l in lines[:400] if l.strip().endswith((".", "!", "?")))
            hundred = " ".join(segment(hundred).sentences[:100])
            if "stream" in parts:
                log("stream: the first segment of a 100-sentence document, and the last")
                report.stream = bench_stream(big_ct2, hundred, max(beams), length, threads)
            if "summary" in parts or "rss" in parts:
                english = ENGLISH_SEED.read_text(encoding="utf-8")
                report.summaries, summarizer_ct2 = bench_summaries(work, english, lines, max(beams), threads, log)
                if "rss" in parts:
                    report.both_models_rss = bench_both_models_rss(
                        big_ct2, summarizer_ct2, english, text, max(beams), length, threads, work, log
                    )
            if "http" in parts:
                http_sentences = sentences * http_repeats
                report.http, report.service_rss = bench_http(
                    big_ct2, http_sentences, max(beams), length, threads, concurrency, work, log
                )
    report.bench_peak_rss_mib = peak_rss_mib()
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        payload = asdict(report)
        payload["table"] = render(report).splitlines()
        out.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return report


# --- a bounded load run --------------------------------------------------------------------


@dataclass
class LoadReport:
    requests: int
    concurrency: int
    errors: int
    status_counts: dict[str, int]
    seconds: float
    p50_ms: float
    p95_ms: float
    rss_before_mib: float
    rss_after_mib: float
    peak_rss_mib: float

    def line(self) -> str:
        return (
            f"{self.requests} requests, {self.concurrency} concurrent: {self.errors} errors "
            f"({self.status_counts}), {self.requests / self.seconds:.1f} req/s, p50 {self.p50_ms:.0f} ms, "
            f"p95 {self.p95_ms:.0f} ms; service RSS before {self.rss_before_mib:.0f} MiB, after "
            f"{self.rss_after_mib:.0f} MiB, peak {self.peak_rss_mib:.0f} MiB"
        )


def load_run(
    env: dict[str, str], texts: Sequence[str], *, requests: int = 2000, concurrency: int = 32,
    work_dir: Path, timeout: float = 900,
) -> LoadReport:
    """Start ``oversett serve`` on 127.0.0.1, send ``requests`` translate requests from
    ``concurrency`` clients (texts in turn), and measure errors, latency and memory. Bounded
    in count and time; loopback only."""
    service = ServiceProcess(env, work_dir / "load-service.log")
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    try:
        service.wait_ready()
        rss_before = _vm_rss_mib(service.process.pid)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=120, limits=httpx.Limits(max_connections=concurrency)) as client:

            def send(index: int) -> None:
                if time.monotonic() > deadline:
                    status = "skipped (time bound)"
                else:
                    t0 = time.perf_counter()
                    try:
                        response = client.post(
                            f"{service.base}/v1/translate",
                            json={"text": texts[index % len(texts)], "source_lang": "nb"},
                        )
                        status = str(response.status_code)
                    except httpx.HTTPError as exc:
                        status = type(exc).__name__
                    with lock:
                        latencies.append(time.perf_counter() - t0)
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1

            started = time.perf_counter()
            with ThreadPoolExecutor(concurrency) as pool:
                list(pool.map(send, range(requests)))
            seconds = time.perf_counter() - started
        rss_after = _vm_rss_mib(service.process.pid)
        peak = _vm_hwm_mib(service.process.pid)
    finally:
        service.stop()
    return LoadReport(
        requests=requests,
        concurrency=concurrency,
        errors=sum(n for status, n in statuses.items() if status != "200"),
        status_counts=statuses,
        seconds=seconds,
        p50_ms=percentile(latencies, 50) * 1000,
        p95_ms=percentile(latencies, 95) * 1000,
        rss_before_mib=rss_before,
        rss_after_mib=rss_after,
        peak_rss_mib=peak,
    )
