from __future__ import annotations

from pathlib import Path

from service.backends.loading import ModelRef, load_seq2seq
from service.backends.translators import TorchTranslator, plan_batches


def test_plan_batches_respects_budget_and_covers_all() -> None:
    lengths = [5, 50, 7, 48, 6, 30, 31, 2]
    batches = plan_batches(lengths, max_batch_tokens=100, max_batch_size=3)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) <= 3
        assert max(lengths[i] for i in batch) * len(batch) <= 100 or len(batch) == 1
    # similar lengths travel together: the two longest share a batch
    assert any({1, 3} <= set(b) for b in batches)


def _translator(tiny_models: dict[str, Path], **kwargs: int) -> TorchTranslator:
    loaded = load_seq2seq(ModelRef(str(tiny_models["translator"]), "translation", "OVERSETT_TRANSLATOR"))
    return TorchTranslator(loaded, **kwargs)


def test_output_order_and_determinism(tiny_models: dict[str, Path]) -> None:
    sentences = ["Det regner.", "Stoltenberg sier at Bakhmut kan falle om noen dager.", "Ja.", "Russland har lidd store tap."]
    small_batches = _translator(tiny_models, max_batch_tokens=40)
    one_batch = _translator(tiny_models)
    first = small_batches.translate(sentences, num_beams=1)
    assert small_batches.stats.batches > 1
    assert one_batch.translate(sentences, num_beams=1) == first
    bounds = {one_batch.max_new_tokens(one_batch.count_tokens(s)) for s in sentences}
    assert one_batch.stats.batches == len(bounds) < len(sentences)
    # each sentence alone gives what it gave inside a batch
    assert [one_batch.translate([s], num_beams=1)[0] for s in sentences] == first
    assert all(out and "\n" not in out for out in first)


def test_tiny_model_follows_opus_mt_conventions(tiny_models: dict[str, Path]) -> None:
    translator = _translator(tiny_models)
    config = translator.model.config
    tokenizer = translator.tokenizer
    assert type(translator.model).__name__ == "MarianMTModel"
    assert type(tokenizer).__name__ == "MarianTokenizer"
    assert config.eos_token_id == 0 == tokenizer.eos_token_id
    assert config.pad_token_id == config.vocab_size - 1 == tokenizer.pad_token_id
    assert config.decoder_start_token_id == config.pad_token_id
    assert (tiny_models["translator"] / "source.spm").is_file()
