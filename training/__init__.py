"""Shared schemas (structured intent, behaviour catalog) and the offline data/training pipeline.

The language server imports the shared modules here (`intent_schema`, `behaviour`),
never the torch code."""
