"""Translated files waiting for their download, and usage counts, in SQLite (one process) and in
Redis (replicas): found only with the key, taken once even when two ask at once, removed when
their time is up; usage added from anywhere sums."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.domain.protocols import HeldFile, HeldFiles, UsageCounts
from service.stores.held_files import RedisHeldFiles, SQLiteHeldFiles
from service.stores.usage_counts import RedisUsageCounts, SQLiteUsageCounts

FILE = HeldFile(b"\x00PK translated \xff", "application/octet-stream", "sak.nn.docx", 1234)


@pytest.fixture(params=["sqlite", "redis"])
def stores(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Any, Any]]:
    """Two handles on one store, as two replicas (or two threads of one process) have."""
    if request.param == "sqlite":
        pair = [SQLiteHeldFiles(tmp_path / "state.sqlite3") for _ in range(2)]
    else:
        url, _ = request.getfixturevalue("redis_server")
        pair = [RedisHeldFiles(url) for _ in range(2)]
    yield pair[0], pair[1]
    for store in pair:
        store.close()


def test_a_file_put_by_one_is_found_by_the_other_with_its_key_only(stores: tuple[HeldFiles, HeldFiles]) -> None:
    a, b = stores
    a.put("deepl", "DOC1", "secret-key", FILE, 60)
    found = b.peek("deepl", "DOC1", "secret-key")
    assert found is not None and (found.data, found.filename, found.characters) == (FILE.data, FILE.filename, 1234)
    assert found.expires > time.time() + 50
    assert b.peek("deepl", "DOC1", "wrong-key") is None and b.take("deepl", "DOC1", "wrong-key") is None
    assert b.peek("libretranslate", "DOC1", "secret-key") is None  # each API its own files
    assert a.peek("deepl", "DOC1", "secret-key") is not None  # looking is not taking


def test_a_file_is_taken_once_even_when_both_ask_at_once(stores: tuple[HeldFiles, HeldFiles]) -> None:
    a, b = stores
    for round_ in range(20):
        a.put("deepl", f"DOC{round_}", "k", FILE, 60)
        got: list[HeldFile | None] = []
        barrier = threading.Barrier(2)

        def take(store: HeldFiles, name: str = f"DOC{round_}") -> None:
            barrier.wait()
            got.append(store.take("deepl", name, "k"))

        threads = [threading.Thread(target=take, args=(s,)) for s in (a, b)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sum(g is not None for g in got) == 1, got
        assert a.peek("deepl", f"DOC{round_}", "k") is None


def test_an_expired_file_is_gone_and_removed(stores: tuple[HeldFiles, HeldFiles]) -> None:
    a, b = stores
    a.put("libretranslate", "old.docx", "", FILE, 0.3)
    assert b.peek("libretranslate", "old.docx", "") is not None
    time.sleep(0.5)
    assert b.peek("libretranslate", "old.docx", "") is None and b.take("libretranslate", "old.docx", "") is None
    a.put("libretranslate", "new.docx", "", FILE, 60)  # (SQLite removes the expired rows as it writes)
    if isinstance(a, SQLiteHeldFiles):
        assert a.count() == 1
    else:
        assert a._client.exists("oversett:held:libretranslate:old.docx") == 0  # Redis expired it itself


@pytest.mark.parametrize("kind", ["sqlite", "redis"])
def test_usage_from_every_handle_sums_per_key(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    if kind == "sqlite":
        counts: list[UsageCounts] = [SQLiteUsageCounts(tmp_path / "state.sqlite3") for _ in range(2)]
    else:
        url, _ = request.getfixturevalue("redis_server")
        counts = [RedisUsageCounts(url) for _ in range(2)]
    threads = [threading.Thread(target=lambda c=c: [c.add("deepl", "key-a", 10) for _ in range(50)]) for c in counts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counts[0].add("deepl", "key-b", 7)
    assert [c.total("deepl", "key-a") for c in counts] == [1000, 1000]  # no update lost
    assert counts[1].total("deepl", "key-b") == 7 and counts[1].total("deepl", "key-c") == 0
    assert counts[1].total("libretranslate", "key-a") == 0
    for c in counts:
        c.close()
