"""The stores of named things a request may use, opened from the settings: glossaries (SQLite,
or Redis when replicas share one), translation memories, translated files waiting for their
download and usage counts (the same)."""

from __future__ import annotations

from ..config import Settings
from ..domain.protocols import GlossaryStore, HeldFiles, MemoryStore, UsageCounts
from ..stores.glossary_store import RedisGlossaryStore, SQLiteGlossaryStore
from ..stores.held_files import RedisHeldFiles, SQLiteHeldFiles
from ..stores.memory_store import SQLiteMemoryStore
from ..stores.redis_memory_store import RedisMemoryStore
from ..stores.usage_counts import RedisUsageCounts, SQLiteUsageCounts


def memory_store(settings: Settings) -> MemoryStore:
    """Translation memories in Redis when replicas share one, else in the service's SQLite
    database (OVERSETT_JOBS_DB)."""
    if settings.redis_url:
        return RedisMemoryStore(settings.redis_url, settings.memory_fuzzy_threshold)
    return SQLiteMemoryStore(settings.jobs_db, settings.memory_fuzzy_threshold)


def glossary_store(settings: Settings) -> GlossaryStore:
    """Glossaries in Redis when replicas share one, else in the service's SQLite database."""
    if settings.redis_url:
        return RedisGlossaryStore(settings.redis_url)
    return SQLiteGlossaryStore(settings.jobs_db)


def held_files(settings: Settings) -> HeldFiles:
    """Translated files waiting for their download: in Redis when replicas share one (any replica
    answers for any file), else in the service's SQLite database."""
    if settings.redis_url:
        return RedisHeldFiles(settings.redis_url)
    return SQLiteHeldFiles(settings.jobs_db)


def usage_counts(settings: Settings) -> UsageCounts:
    """Characters translated per key, summed over the replicas (Redis), else in SQLite."""
    if settings.redis_url:
        return RedisUsageCounts(settings.redis_url)
    return SQLiteUsageCounts(settings.jobs_db)
