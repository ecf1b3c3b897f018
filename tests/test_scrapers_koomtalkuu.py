"""koomtalkuu drafts scraper (configurable selectors) and `taraza scrape ... --record` through the CLI."""
from __future__ import annotations

import json

import pytest
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from scrapers.replay import ReplayServer
from scrapers_support import KOOMTALKUU, fast_db, items, open_fast_db, scrape_fast

db = fast_db   # the scraper tests' corpus DB fixture

KEYS = {"1201/ru/att/74658d8f9e63", "1201/ky/att/53cd01778abc", "1200/ru/att/47f4e146585e",
        "1200/ru", "1200/ky", "1187/ru", "1150/ru", "1150/ky"}


@pytest.fixture
def server():
    with ReplayServer(KOOMTALKUU, retry_after="0") as srv:
        yield srv


def test_drafts_pages_and_attachments_in_both_languages(db, server):
    report = scrape_fast("koomtalkuu", db, server)
    assert report.failed == 0 and report.listed == 4
    got = items(db, "koomtalkuu")
    assert set(got) == KEYS
    draft = db["documents"].get(got["1201/ru/att/74658d8f9e63"]["document_id"])
    assert draft["kind"] == "draft" and draft["format"] == "docx" and draft["made_up"] == 1
    assert draft["act_type"] == "Проект постановления" and draft["act_date"] == "2026-09-12"
    assert draft["issuing_body"] == "Министерство экономики и коммерции Кыргызской Республики"
    assert draft["url"] == "https://koomtalkuu.gov.kg/uploads/projects/1201/made-up-draft-1201.ru.docx"
    meta = json.loads(got["1201/ru/att/74658d8f9e63"]["meta"])
    assert (meta["discussion_start"], meta["discussion_end"], meta["status"]) == ("2026-09-12", "2026-09-27", "Идет обсуждение")
    ky = db["documents"].get(got["1201/ky/att/53cd01778abc"]["document_id"])
    assert ky["language"] == "ky" and "токтом кылат" in ky["text"]
    kg_page = db["documents"].get(got["1200/ky"]["document_id"])
    assert kg_page["language"] == "ky" and kg_page["url"] == "https://koomtalkuu.gov.kg/kg/projects/view/1200"
    assert "Комментарии пользователей" not in kg_page["text"]
    links = {r["link_key"] for r in db["act_links"].rows}
    assert links == {"koomtalkuu:1201/file1", "koomtalkuu:1200", "koomtalkuu:1150"}
    assert items(db, "koomtalkuu", with_document=False)["1187/ky"]["store_status"] == "absent"


def test_second_run_and_since(db, server):
    scrape_fast("koomtalkuu", db, server, since="2026-09-05")
    assert {k.split("/")[0] for k in items(db, "koomtalkuu")} == {"1201", "1200"}
    report = scrape_fast("koomtalkuu", db, server)
    assert report.fetched == 3 and set(items(db, "koomtalkuu")) == KEYS
    before = len(server.log)
    assert scrape_fast("koomtalkuu", db, server).fetched == 0
    assert len(server.log) - before == 2  # robots.txt and the first listing page, both 304


def test_cli_record_writes_fixtures_in_the_test_format(tmp_path, server):
    rec = tmp_path / "koomtalkuu-live"
    open_fast_db(tmp_path / "a.db")  # shape the DB up front: the CLI then only checks it
    args = ["--db", str(tmp_path / "a.db"), "scrape", "koomtalkuu", "--base-url", server.url, "--record", str(rec),
            "--delay", "0", "--backoff", "0.001", "--timeout", "2"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert "8 new" in res.output and f"fixtures written to {rec}" in res.output
    spec = yaml.safe_load((rec / "responses.yml").read_text(encoding="utf-8"))
    paths = {e["path"] for e in spec["responses"]}
    assert {"/ru/projects?page=1", "/kg/projects/view/1201", "/uploads/projects/1201/made-up-draft-1201.ru.docx"} <= paths
    assert all(e["made_up"] for e in spec["responses"] if e["path"] != "/kg/projects/view/1187")
    assert all((rec / e["body"]).is_file() for e in spec["responses"])
    # the recording replays to the same documents
    db2 = open_fast_db(tmp_path / "b.db")
    with ReplayServer(rec) as replay:
        report = scrape_fast("koomtalkuu", db2, replay)
    assert report.failed == 0
    a = open_fast_db(tmp_path / "a.db")
    assert {r["sha256"] for r in a["documents"].rows} == {r["sha256"] for r in db2["documents"].rows}


def test_config_file_overrides_the_selectors(tmp_path, db, server):
    from scrapers.base import load_site_config

    cfg = load_site_config("koomtalkuu")
    cfg["item"]["body"] = ".no-such-block"
    path = tmp_path / "k.yml"
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    report = scrape_fast("koomtalkuu", db, server, config=path, limit=1)
    assert report.failed == 2 and all("layout" in reason for _, _, reason in report.errors)
