"""oversett: self-hosted Norwegian→English translation and summarisation."""

__version__ = "0.1.0"
