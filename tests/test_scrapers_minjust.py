"""Ministry of Justice API scraper against the replay server (fixture built from real CBD material)."""
from __future__ import annotations

import json

import pytest
import yaml

from scrapers import run
from scrapers.replay import ReplayServer
from scrapers_support import FAST, MINJUST, MINJUST_ITEMS, assert_once, docs, fast_db, items, open_fast_db, scrape_fast

db = fast_db   # the scraper tests' corpus DB fixture


@pytest.fixture
def server(shared):
    with ReplayServer(MINJUST, retry_after="0", slow_seconds=1.0) as srv:
        yield srv


def scrape(db, srv, **kw):
    return scrape_fast("minjust", db, srv, **kw)


def test_collects_every_edition_in_both_languages_once_with_metadata(db, server):
    report = scrape(db, server)
    assert report.failed == 0 and report.listed == 4
    assert_once(db, "minjust", MINJUST_ITEMS)
    got = items(db, "minjust")
    labour_ky = db["documents"].get(got["3-45/55401/kg"]["document_id"])
    assert labour_ky["language"] == "ky"                     # Kyrgyz text arrived in contentRu
    assert "1-берене." in labour_ky["text"] and "&#" not in labour_ky["text"]
    assert labour_ky["act_key"] == "minjust:3-45" and labour_ky["act_number"] == "23"
    assert labour_ky["act_date"] == "2025-01-23" and labour_ky["act_type"] == "Кодекс"
    assert labour_ky["issuing_body"] == "Жогорку Кенеш Кыргызской Республики"
    assert labour_ky["title"].startswith("Кыргыз Республикасынын 2025-жылдын 23-январындагы")
    old_ky = db["documents"].get(got["3-45/55400/kg"]["document_id"])
    assert "түшүнүктөр" in old_ky["text"]                  # numeric entities (&#1257; …) decoded
    ru = db["documents"].get(got["3-45/55401/ru"]["document_id"])
    assert ru["url"] == "https://cbd.minjust.gov.kg/3-45/edition/55401/ru"
    assert "windows-1251" not in ru["text"] and "Статья 1. Основные понятия" in ru["text"]
    # edition ids and dates come from GetDocument.editions although GetEdition echoes the newest edition
    first = got["3-45/55400/ru"]
    assert (first["edition_id"], first["edition_code"], first["edition_date"]) == ("55400", 10, "2025-01-23")
    assert got["3-45/55401/ru"]["future_entry"] == "2027-01-01"
    assert got["3-38/1273301/ru"]["edition_label"] == "02 .12.2024" and got["3-38/1273301/ru"]["edition_date"] == "2024-12-02"
    meta = json.loads(got["3-38/1273301/ru"]["meta"])
    assert meta["numericCode"] == "112309" and meta["status"] == "Действует" and meta["status_code"] == "10"
    # editions are versions of one act per language; the newest is current
    labour_ru = [d for d in docs(db, "minjust") if d["path"] == "minjust/3-45/ru"]
    assert [(d["version"], d["is_current"]) for d in labour_ru] == [(1, 0), (2, 1)]


def test_docx_fallback_and_russian_only_editions(db, server):
    scrape(db, server)
    got = items(db, "minjust")
    family_ky = db["documents"].get(got["3-21/31042/kg"]["document_id"])
    assert family_ky["format"] == "docx" and family_ky["language"] == "ky"                 # no HTML → GetFile
    assert server.requests("GetFile?refId=31042&lang=kg")
    assert db["documents"].get(got["3-38/1273301/ru"]["document_id"])["format"] == "html"
    assert "3-38/1273301/kg" not in got                                                  # textKyrType null
    assert not server.requests("editionId=1273301&lang=kg")


def test_both_languages_of_each_edition_are_linked(db, server):
    scrape(db, server)
    links = {r["link_key"]: r for r in db["act_links"].rows if r["link_key"].startswith("minjust:")}
    assert set(links) == {"minjust:3-45/55400", "minjust:3-45/55401", "minjust:3-21/31042", "minjust:1-2/985610"}
    got = items(db, "minjust")
    c = links["minjust:1-2/985610"]
    assert (c["ru_document_id"], c["ky_document_id"]) == (got["1-2/985610/ru"]["document_id"], got["1-2/985610/kg"]["document_id"])
    assert c["articles_ru"] == c["articles_ky"] == c["articles_aligned"] > 100


def test_second_run_fetches_nothing_new(db, server):
    scrape(db, server)
    before = len(server.log)
    report = scrape(db, server)
    new = [r["target"] for r in server.log[before:]]
    assert report.fetched == 0 and report.skipped == 4
    assert all("GetDocuments" in t or "robots.txt" in t for t in new), new   # only the listing is asked again
    assert_once(db, "minjust", MINJUST_ITEMS)


def test_a_new_edition_is_fetched_alone_and_becomes_current(db, server, shared):
    scrape(db, server)
    api = server.handlers[0]
    labour = next(d for d in api.documents if d["documentCode"] == "3-45")
    labour["editions"].append({"id": 55402, "editionCode": 30, "nameRus": "23.06.2026", "content": {
        "ru": ["cbd-minjust-api-edition-html/ru/article_title_same_line.html",
               "cbd-minjust-api-edition-html/ru/superscript_article.html"]}, "textKyrType": None})
    before = len(server.log)
    report = scrape(db, server)
    fetched = [r["target"] for r in server.log[before:] if "GetEdition" in r["target"]]
    assert fetched == ["GET /api/v1/GetEdition?editionId=55402&lang=ru"]
    assert report.new_version == 1
    current = db.execute("select id from documents where path = 'minjust/3-45/ru' and is_current = 1").fetchall()
    assert [r[0] for r in current] == [items(db, "minjust")["3-45/55402/ru"]["document_id"]]


def test_every_fault_is_survived_and_the_run_completes(db, server):
    server.fault("GetDocuments?pageNumber=1", ["quota", "503"])
    server.fault("GetDocument?DocumentCode=3-45", ["500", "timeout"])
    server.fault("editionId=55400&lang=kg", ["truncate", "429"])
    server.fault("editionId=55401&lang=ru", ["truncate-body", "quota"])
    server.fault("GetFile?refId=31042&lang=kg", ["truncate", "truncate-body"])   # a cut DOCX is downloaded again
    server.fault("DocumentCode=3-21", ["encoding"])
    report = scrape(db, server)
    assert report.failed == 0
    assert_once(db, "minjust", MINJUST_ITEMS)
    assert not [f for f in server.faults if f["kinds"]], "every injected fault was served"


def test_server_side_quota_is_waited_out(db, server):
    server.quota = (2, 0.5)  # the API's 20 per 5 s, shrunk
    from dataclasses import replace

    report = run("minjust", db, base_url=server.url, politeness=replace(FAST, quota_wait=0.1), codes=["3-45"])
    assert report.failed == 0 and report.fetched == 4
    assert any(r["fault"] == "quota" for r in server.log)
    assert not db.execute("select count(*) from documents where text like '%quota exceeded%'").fetchone()[0]


def test_a_persistent_fault_is_reported_per_document_and_retried_next_run(db, server):
    server.fault("editionId=55401&lang=kg", "redirect-loop", repeat=True)
    server.fault("GetDocument?DocumentCode=1-2", "500", repeat=True)
    report = scrape(db, server)
    assert report.failed == 2 and {k for k, _, _ in report.errors} == {"3-45/55401/kg", "act:1-2"}
    assert "redirect loop" in dict((k, r) for k, _, r in report.errors)["3-45/55401/kg"]
    assert_once(db, "minjust", MINJUST_ITEMS - {"3-45/55401/kg", "1-2/985610/ru", "1-2/985610/kg"})
    open_errors = list(db.query("select key from scrape_open_errors where source = 'minjust'"))
    assert {r["key"] for r in open_errors} == {"3-45/55401/kg", "act:1-2"}
    server.clear_faults()
    report = scrape(db, server)
    assert report.failed == 0 and report.fetched == 3
    assert_once(db, "minjust", MINJUST_ITEMS)
    assert not list(db.query("select key from scrape_open_errors where source = 'minjust'"))


def test_since_and_limit(db, server):
    report = scrape(db, server, since="2021-01-01", limit=1)
    assert report.fetched == 4 and set(items(db, "minjust")) == {k for k in MINJUST_ITEMS if k.startswith("3-45/")}
    body = json.loads(server.requests("GetDocuments")[0]["body"])
    assert body["dateAdoptedFrom"] == "2021-01-01"
    report = scrape(db, server, since="2021-01-01")
    assert report.listed == 3  # 3-21 (2003) is outside the window
    assert "3-21/31042/ru" not in items(db, "minjust")
    assert len(items(db, "minjust")) == len(MINJUST_ITEMS) - 2


def test_record_writes_fixtures_that_replay_the_same_documents(db, server, tmp_path):
    rec = tmp_path / "rec"
    scrape(db, server, codes=["3-45", "3-21"], record_dir=rec)
    spec = yaml.safe_load((rec / "responses.yml").read_text(encoding="utf-8"))
    assert spec["source"] == "minjust" and spec["made_up"] is False
    paths = {e["path"] for e in spec["responses"]}
    assert "/api/v1/GetDocument?DocumentCode=3-45" in paths and "/robots.txt" in paths
    first_ids = {k: v["document_id"] for k, v in items(db, "minjust").items()}
    db2 = open_fast_db(tmp_path / "again.db")
    with ReplayServer(rec) as replay:
        report = scrape_fast("minjust", db2, replay, codes=["3-45", "3-21"])
    assert report.failed == 0
    assert {k: v["document_id"] for k, v in items(db2, "minjust").items()} == first_ids
