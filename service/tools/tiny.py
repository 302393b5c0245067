"""Build tiny, seeded, random-weight models for tests and offline tries.

They are real ``MarianMTModel`` / ``BartForConditionalGeneration`` models with real tokenizers
trained on the seed texts, saved with ``save_pretrained`` so they load through exactly the
same code path as Hub models. They translate nothing meaningful: they exist to exercise
layout, caching, batching and errors. Same seed, same weights, same output.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

TRANSLATOR_DIR = "translator"
EN_TRANSLATOR_DIR = "en-translator"  # English → Bokmål / Nynorsk
# The target tokens of OPUS-MT's English → North Germanic models (the source begins with one).
EN_GMQ_TARGET_TOKENS = (">>dan<<", ">>nno<<", ">>nob<<", ">>swe<<")
SUMMARIZER_DIR = "summarizer"
DEFAULT_SEED = 1234


def seed_lines(seeds_dir: Path) -> list[str]:
    """Non-empty lines of every ``*.txt`` file in the seeds folder."""
    files = sorted(seeds_dir.glob("*.txt"))
    if not files:
        raise FileNotFoundError(f"no *.txt seed texts in {seeds_dir}")
    return [
        line.strip()
        for path in files
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]


def english_lines(seeds_dir: Path) -> list[str]:
    """The English seed texts (``seeds/en``), for the English → Norwegian model's tokenizer;
    none when the folder has none."""
    return seed_lines(seeds_dir / "en") if list((seeds_dir / "en").glob("*.txt")) else []


def build_tiny_models(
    out_dir: Path, seeds_dir: Path, seed: int = DEFAULT_SEED, summarizer_family: str = "bart"
) -> dict[str, Path]:
    """Write ``out_dir/translator`` (Norwegian → English), ``out_dir/en-translator`` (English →
    Bokmål / Nynorsk) and ``out_dir/summarizer``; return their paths."""
    lines = seed_lines(seeds_dir)
    build_summarizer = SUMMARIZER_BUILDERS[summarizer_family]
    paths = {
        "translator": build_tiny_translator(out_dir / TRANSLATOR_DIR, lines, seed),
        "en_translator": build_tiny_en_translator(out_dir / EN_TRANSLATOR_DIR, english_lines(seeds_dir) + lines, seed),
        "summarizer": build_summarizer(out_dir / SUMMARIZER_DIR, lines, seed),
    }
    return paths


def _train_sentencepiece(lines: Iterable[str], vocab_size: int, **special_ids: int) -> bytes:
    import sentencepiece as spm

    model = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(list(lines)),
        model_writer=model,
        vocab_size=vocab_size,
        hard_vocab_limit=False,  # the seed text is small: take what it supports
        model_type="unigram",
        character_coverage=1.0,
        num_threads=1,
        minloglevel=2,
        **special_ids,
    )
    return model.getvalue()


def _spm_pieces(model_bytes: bytes) -> list[str]:
    import sentencepiece as spm

    processor = spm.SentencePieceProcessor(model_proto=model_bytes)
    return [
        processor.id_to_piece(i)
        for i in range(processor.get_piece_size())
        if not (processor.is_control(i) or processor.is_unknown(i))
    ]


# The tiny translator's architecture; benchmarks pass the real OPUS-MT ones instead.
TINY_MARIAN: dict[str, object] = {
    "d_model": 64,
    "encoder_layers": 2,
    "decoder_layers": 2,
    "encoder_attention_heads": 4,
    "decoder_attention_heads": 4,
    "encoder_ffn_dim": 128,
    "decoder_ffn_dim": 128,
    "max_position_embeddings": 256,
    "activation_function": "swish",
}


def build_tiny_translator(out: Path, lines: list[str], seed: int = DEFAULT_SEED) -> Path:
    """The tiny MarianMTModel used by tests and offline tries."""
    return build_marian_translator(out, lines, TINY_MARIAN, seed=seed, spm_vocab_size=600)


def build_tiny_en_translator(out: Path, lines: list[str], seed: int = DEFAULT_SEED) -> Path:
    """The tiny English → Bokmål / Nynorsk MarianMTModel: like the real opus-mt-tc-big-en-gmq,
    its vocabulary has the target tokens (``>>nob<<``, ``>>nno<<`` …) a source begins with."""
    return build_marian_translator(
        out, lines, TINY_MARIAN, seed=seed + 1, spm_vocab_size=600, target_tokens=EN_GMQ_TARGET_TOKENS,
        languages=("en", "gmq"),
    )


def build_marian_translator(
    out: Path,
    lines: list[str],
    architecture: dict[str, object],
    *,
    seed: int = DEFAULT_SEED,
    spm_vocab_size: int = 600,
    model_vocab_size: int | None = None,
    target_tokens: Iterable[str] = (),
    languages: tuple[str, str] = ("gmq", "en"),
) -> Path:
    """A random-weight MarianMTModel following OPUS-MT conventions: eos 0, unk 1, ``<pad>``
    last and the decoder start token, one vocabulary shared by source and target. With
    ``model_vocab_size`` the vocabulary is padded with unused entries to that size (so a
    benchmark model has the real output layer); ``target_tokens`` (``>>nob<<`` …) follow unk, as
    in a multi-target OPUS-MT model."""
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    out.mkdir(parents=True, exist_ok=True)
    spm_model = _train_sentencepiece(lines, vocab_size=spm_vocab_size)
    (out / "source.spm").write_bytes(spm_model)
    (out / "target.spm").write_bytes(spm_model)
    tokens = ["</s>", "<unk>", *target_tokens]
    tokens += [p for p in dict.fromkeys(_spm_pieces(spm_model)) if p not in tokens]
    if model_vocab_size is not None:
        tokens += [f"<unused{i}>" for i in range(model_vocab_size - 1 - len(tokens))]
    tokens.append("<pad>")
    vocab = {token: i for i, token in enumerate(tokens)}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), "utf-8")
    max_positions = int(architecture["max_position_embeddings"])  # type: ignore[call-overload]
    tokenizer = MarianTokenizer(
        source_spm=str(out / "source.spm"),
        target_spm=str(out / "target.spm"),
        vocab=str(out / "vocab.json"),
        source_lang=languages[0],
        target_lang=languages[1],
        model_max_length=max_positions,
    )
    pad_id = vocab["<pad>"]
    config = MarianConfig(
        vocab_size=len(vocab),
        scale_embedding=True,
        share_encoder_decoder_embeddings=True,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        **architecture,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config)
    model.generation_config = GenerationConfig(
        bad_words_ids=[[pad_id]],
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        pad_token_id=pad_id,
        max_length=max_positions,
        num_beams=4,
    )
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


TINY_BART = {
    "d_model": 64, "encoder_layers": 2, "decoder_layers": 2, "encoder_attention_heads": 4,
    "decoder_attention_heads": 4, "encoder_ffn_dim": 128, "decoder_ffn_dim": 128,
    "max_position_embeddings": 256,
}


def build_tiny_summarizer(
    out: Path, lines: list[str], seed: int = DEFAULT_SEED, architecture: dict[str, Any] | None = None,
    bpe_vocab_size: int = 800, model_vocab_size: int | None = None,
) -> Path:
    """A BartForConditionalGeneration (the family of distilbart-cnn) with a byte-level BPE
    tokenizer trained on the seed text; ``architecture`` gives a real model's sizes (the
    benchmark builds distilbart-cnn-12-6's), ``model_vocab_size`` its embedding size."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import BartConfig, BartForConditionalGeneration, BartTokenizer

    sizes = architecture or TINY_BART
    out.mkdir(parents=True, exist_ok=True)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    bpe = ByteLevelBPETokenizer()
    bpe.train_from_iterator(lines, vocab_size=bpe_vocab_size, min_frequency=1, special_tokens=specials)
    with tempfile.TemporaryDirectory() as tmp:
        bpe.save_model(tmp)
        tokenizer = BartTokenizer(
            vocab=f"{tmp}/vocab.json", merges=f"{tmp}/merges.txt", model_max_length=sizes["max_position_embeddings"]
        )
        if model_vocab_size and model_vocab_size > len(tokenizer):
            # Unused entries up to the real model's vocabulary, so the embedding and output layers
            # have the real size and CTranslate2 sees a vocabulary that matches them.
            tokenizer.add_tokens([f"<unused{i}>" for i in range(model_vocab_size - len(tokenizer))])
        tokenizer.save_pretrained(out)
    config = BartConfig(
        vocab_size=len(tokenizer),
        **sizes,
        bos_token_id=0,
        pad_token_id=1,
        eos_token_id=2,
        decoder_start_token_id=2,
        forced_bos_token_id=0,
        forced_eos_token_id=2,
    )
    torch.manual_seed(seed)
    model = BartForConditionalGeneration(config)
    model.save_pretrained(out)
    return out


def build_tiny_t5_summarizer(out: Path, lines: list[str], seed: int = DEFAULT_SEED) -> Path:
    """A T5ForConditionalGeneration (the instruction-taking family, for prompt templates)
    with a SentencePiece tokenizer trained on the seed text: pad 0, eos 1, unk 2."""
    import sentencepiece as spm
    import torch
    from transformers import T5Config, T5ForConditionalGeneration, T5Tokenizer

    out.mkdir(parents=True, exist_ok=True)
    spm_model = _train_sentencepiece(lines, 600, pad_id=0, eos_id=1, unk_id=2, bos_id=-1)
    processor = spm.SentencePieceProcessor(model_proto=spm_model)
    vocab = [(processor.id_to_piece(i), processor.get_score(i)) for i in range(processor.get_piece_size())]
    tokenizer = T5Tokenizer(vocab=vocab, extra_ids=0, model_max_length=256)
    tokenizer.save_pretrained(out)
    config = T5Config(
        vocab_size=len(vocab),
        d_model=64,
        d_kv=16,
        d_ff=128,
        num_layers=2,
        num_decoder_layers=2,
        num_heads=4,
        pad_token_id=0,
        eos_token_id=1,
        decoder_start_token_id=0,
        n_positions=256,
    )
    torch.manual_seed(seed)
    T5ForConditionalGeneration(config).save_pretrained(out)
    return out


SUMMARIZER_BUILDERS = {"bart": build_tiny_summarizer, "t5": build_tiny_t5_summarizer}
