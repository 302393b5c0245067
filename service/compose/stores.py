"""The stores of named things a request may use, opened from the settings: glossaries (SQLite,
or Redis when replicas share one) and translation memories (the same)."""

from __future__ import annotations

from ..config import Settings
from ..domain.protocols import GlossaryStore, MemoryStore
from ..stores.glossary_store import RedisGlossaryStore, SQLiteGlossaryStore
from ..stores.memory_store import SQLiteMemoryStore
from ..stores.redis_memory_store import RedisMemoryStore


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
