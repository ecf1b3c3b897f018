"""Shared test fixtures. Real inputs come from ../shared (CI has it beside the checkout)."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = SHARED / "corpus-samples"
DOCX = SAMPLES / "cbd-minjust-docx"
SEED_PLAN = SHARED / "seeds" / "plan-2015-2017-resolution-170.ky.txt"


@pytest.fixture(scope="session")
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: the real material must sit beside the checkout")
    return SHARED


@pytest.fixture
def db(tmp_path):
    from corpus import open_db

    return open_db(tmp_path / "corpus.db")
