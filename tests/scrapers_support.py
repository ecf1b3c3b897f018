"""Helpers shared by tests/test_scrapers_*.py: fixture folders, tiny waits, queries."""
from __future__ import annotations

from pathlib import Path

import pytest

from scrapers import Politeness, run

FIXTURES = Path(__file__).parent / "fixtures" / "scrapers"
MINJUST = FIXTURES / "minjust"
GOVKG = FIXTURES / "govkg"
KOOMTALKUU = FIXTURES / "koomtalkuu"
REPORTS = FIXTURES / "reports"
REPORTS_SITES = REPORTS / "sites.yml"

# every wait shrunk: retries, Retry-After, over-quota pauses; no spacing between requests
FAST = Politeness(min_interval=0, timeout=0.5, retries=3, backoff=0.001, backoff_max=0.01, retry_after_max=0.01,
                  quota_wait=0.01, quota_retries=50)

# what the minjust fixture holds: (documentCode/editionId/lang) for every text that exists
MINJUST_ITEMS = {
    "3-45/55400/ru", "3-45/55400/kg", "3-45/55401/ru", "3-45/55401/kg",
    "3-38/1273301/ru", "3-21/31042/ru", "3-21/31042/kg", "1-2/985610/ru", "1-2/985610/kg",
}
GOVKG_ITEMS = {"4835/ru", "4835/ky", "4834/ru", "4834/ky", "4830/ru", "4829/ru", "4829/ky", "2101/ru"}


def scrape_fast(source: str, db, srv, **kw):
    """One scrape of `source` against a replay server, with every wait shrunk."""
    return run(source, db, base_url=srv.url, politeness=FAST, **kw)


@pytest.fixture(name="db")
def fast_db(tmp_path):
    """The scraper tests' corpus DB (a test module binds it as its `db` fixture)."""
    return open_fast_db(tmp_path / "corpus.db")


def open_fast_db(path):
    """A corpus DB that skips fsync: these tests commit after every fetched item, and on a VM disk the
    fsyncs, not the scraping, took most of the time. Durability is what the kill test checks, with a real DB."""
    import sqlite_utils

    from corpus import ensure_shape

    db = sqlite_utils.Database(path)
    db.execute("PRAGMA synchronous = OFF")
    db.execute("PRAGMA foreign_keys = ON")
    ensure_shape(db)
    return db


def docs(db, source: str) -> list[dict]:
    return list(db.query("select * from documents where source = ? order by path, version", [source]))


def items(db, source: str, with_document: bool = True) -> dict[str, dict]:
    where = " and document_id is not null" if with_document else ""
    return {r["key"]: r for r in db.query(f"select * from scrape_items where source = ?{where}", [source])}


def assert_once(db, source: str, expected_keys: set[str]) -> None:
    """Every expected item stored exactly once, nothing else, no duplicate document."""
    got = items(db, source)
    assert set(got) == expected_keys
    ids = [r["document_id"] for r in got.values()]
    assert len(set(ids)) == len(ids), "two items share one document"
    assert db.execute("select count(*) from documents where source = ?", [source]).fetchone()[0] == len(expected_keys)
    assert db.execute("select count(*) - count(distinct sha256) from documents").fetchone()[0] == 0
