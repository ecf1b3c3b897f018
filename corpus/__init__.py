"""The corpus database: one SQLite file written with sqlite-utils.

Its shape (tables, columns, foreign keys, indexes, full-text tables, views) is declared as data in
``corpus/schema/*.yml`` and applied idempotently by :func:`ensure_shape`, the way dogsheep's
github-to-sqlite keeps ``ensure_db_shape``: every command calls it, so an old database grows the
columns and tables that later stages add, and running it twice changes nothing.
"""
from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils
import yaml

SCHEMA_DIR = Path(__file__).parent / "schema"
DEMO_DIR = Path(__file__).parent / "demo"
ANNOTATIONS_DIR = Path(__file__).parent / "annotations"
DEFAULT_DB = Path("data") / "taraza.db"

_TYPES = {"str": str, "int": int, "float": float, "json": str}


def load_schema() -> dict:
    """Merge the schema fragments in file-name order (10-documents, 20-plans, ...)."""
    tables: dict = {}
    views: dict = {}
    for path in sorted(SCHEMA_DIR.glob("*.yml")):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        tables.update(part.get("tables") or {})
        views.update(part.get("views") or {})
    return {"tables": tables, "views": views}


def json_columns(table: str) -> set[str]:
    spec = load_schema()["tables"][table]
    return {c for c, t in spec["columns"].items() if t == "json"}


def ensure_shape(db: sqlite_utils.Database) -> None:
    schema = load_schema()
    existing = set(db.table_names())
    for name, spec in schema["tables"].items():
        columns = {c: _TYPES[t] for c, t in spec["columns"].items()}
        fks = [tuple(fk) for fk in spec.get("foreign_keys") or []]
        table = db[name]
        if name not in existing:
            table.create(columns, pk=spec["pk"], foreign_keys=fks or None)
        else:
            have = set(table.columns_dict)
            for col, typ in columns.items():
                if col not in have:
                    table.add_column(col, typ)
            have_fks = {(fk.column, fk.other_table) for fk in table.foreign_keys}
            missing = [fk for fk in fks if (fk[0], fk[1]) not in have_fks]
            if missing:
                table.transform(add_foreign_keys=missing)
        for cols in spec.get("indexes") or []:
            table.create_index(cols, if_not_exists=True)
        for cols in spec.get("unique_indexes") or []:
            table.create_index(cols, unique=True, if_not_exists=True)
        fts = spec.get("fts")
        if fts and not table.detect_fts():
            table.enable_fts(fts, create_triggers=True, tokenize="unicode61")
    for name, sql in schema["views"].items():
        db.create_view(name, sql.strip(), replace=True)


def open_db(path: str | Path = DEFAULT_DB) -> sqlite_utils.Database:
    """Open (creating if needed) the corpus database and bring its shape up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA foreign_keys = ON")
    # WAL with NORMAL sync: every document is its own transaction, and fsync on each one dominated run time
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    ensure_shape(db)
    return db


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
