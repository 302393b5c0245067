"""The stores: the result cache, job stores, glossary stores and Redis state, on SQLite or Redis.
They import only the domain."""
