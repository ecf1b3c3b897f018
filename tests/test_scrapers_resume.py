"""Stopping a scrape anywhere (SIGKILL, Ctrl-C, a crash between storing and bookkeeping) loses nothing and
duplicates nothing: the next run completes the collection."""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

import pipeline.store
from scrapers.base import Source
from scrapers.replay import ReplayServer
from scrapers_support import MINJUST, MINJUST_ITEMS, assert_once, items, open_fast_db, scrape_fast

ROOT = MINJUST.parents[3]


def test_killed_process_resumes_without_loss_or_duplicate(tmp_path, shared):
    from corpus import open_db

    db_path = tmp_path / "corpus.db"
    cli = [sys.executable, "-c", "from pipeline.cli import main; main()", "--db", str(db_path), "scrape", "minjust",
           "--delay", "0", "--backoff", "0.001", "--timeout", "5"]
    with ReplayServer(MINJUST, latency=0.05) as srv:
        proc = subprocess.Popen(cli + ["--base-url", srv.url], cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        stored = 0
        for line in proc.stderr:
            if re.match(r"\[minjust\] \d+ ", line):
                stored += 1
            if stored == 3:
                proc.kill()  # SIGKILL: no cleanup, no finally
                break
        proc.wait(timeout=30)
        assert proc.returncode == -9
        db = open_db(db_path)
        db.execute("PRAGMA synchronous = OFF")  # the killed run used a durable DB; the rerun need not wait for fsync
        assert 3 <= len(items(db, "minjust")) < len(MINJUST_ITEMS)
        assert db["scrape_runs"].count == 1 and next(db["scrape_runs"].rows)["status"] == "running"
        report = scrape_fast("minjust", db, srv)
    assert report.failed == 0 and report.fetched + 3 >= len(MINJUST_ITEMS) - 1
    assert_once(db, "minjust", MINJUST_ITEMS)
    assert db.execute("select count(*) from act_links where link_key like 'minjust:%'").fetchone()[0] == 4


@pytest.fixture
def db(tmp_path):
    return open_fast_db(tmp_path / "corpus.db")


def test_ctrl_c_midway_then_rerun(db, monkeypatch, shared):
    real = pipeline.store.store_document
    calls = []

    def store_then_interrupt(database, doc, *a, **kw):
        calls.append(doc.path)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return real(database, doc, *a, **kw)

    monkeypatch.setattr(pipeline.store, "store_document", store_then_interrupt)
    with ReplayServer(MINJUST) as srv:
        with pytest.raises(KeyboardInterrupt):
            scrape_fast("minjust", db, srv)
        assert len(items(db, "minjust")) == 4
        assert next(db["scrape_runs"].rows)["status"] == "interrupted"
        monkeypatch.setattr(pipeline.store, "store_document", real)
        scrape_fast("minjust", db, srv)
    assert_once(db, "minjust", MINJUST_ITEMS)


def test_crash_between_storing_a_document_and_marking_it_done(db, monkeypatch, shared):
    real = Source.mark
    state = {"n": 0}

    def mark_then_crash(self, key, **fields):
        if fields.get("document_id"):
            state["n"] += 1
            if state["n"] == 3:
                raise RuntimeError("power cut")   # the document is committed, the bookkeeping is not
        return real(self, key, **fields)

    monkeypatch.setattr(Source, "mark", mark_then_crash)
    with ReplayServer(MINJUST) as srv:
        with pytest.raises(RuntimeError):
            scrape_fast("minjust", db, srv)
        assert db["documents"].count == 3 and len(items(db, "minjust")) == 2
        monkeypatch.setattr(Source, "mark", real)
        report = scrape_fast("minjust", db, srv)
    assert report.unchanged == 1      # the orphan document is recognised by its bytes, not stored twice
    assert_once(db, "minjust", MINJUST_ITEMS)
