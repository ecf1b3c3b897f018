"""Taraza pipeline: ingest → structure → analyze / plan → match → publish. Entry point: ``pipeline.cli:main``."""
