"""gov.kg Cabinet resolutions scraper against the replay server (made-up pages on the documented selectors)."""
from __future__ import annotations

import pytest

from scrapers.replay import ReplayServer
from scrapers_support import GOVKG, GOVKG_ITEMS, assert_once, fast_db, items, scrape_fast

db = fast_db   # the scraper tests' corpus DB fixture


@pytest.fixture
def server():
    with ReplayServer(GOVKG, retry_after="0") as srv:
        yield srv


def scrape(db, srv, **kw):
    return scrape_fast("govkg", db, srv, **kw)


def test_collects_every_resolution_once_with_metadata_and_language_pairs(db, server):
    report = scrape(db, server)
    assert report.failed == 0 and report.listed == 5
    assert_once(db, "govkg", GOVKG_ITEMS)
    got = items(db, "govkg")
    ru = db["documents"].get(got["4835/ru"]["document_id"])
    assert (ru["act_number"], ru["act_date"], ru["act_type"]) == ("614", "2026-09-14", "Постановление")
    assert ru["issuing_body"] == "Кабинет Министров Кыргызской Республики"
    assert ru["title"] == "О порядке ведения реестра выдуманных разрешений"
    assert ru["url"] == "https://www.gov.kg/ru/npa/s/4835" and ru["made_up"] == 1
    assert "Боковая колонка" not in ru["text"]                      # the sidebar is not the act
    assert "постановляет:" in ru["text"]
    old = db["documents"].get(got["2101/ru"]["document_id"])
    assert old["issuing_body"] == "Правительство Кыргызской Республики" and old["act_date"] == "2019-11-20"
    ky = db["documents"].get(got["4834/ky"]["document_id"])
    assert ky["language"] == "ky" and ky["act_number"] == "601" and ky["act_date"] == "2026-09-05"
    links = {(r["ru_document_id"], r["ky_document_id"]) for r in db["act_links"].rows}
    assert (got["4835/ru"]["document_id"], got["4835/ky"]["document_id"]) in links
    assert len(links) == 3                                         # 4830 and 2101 have no Kyrgyz page
    absent = items(db, "govkg", with_document=False)
    assert absent["4830/ky"]["store_status"] == "absent"


def test_second_run_stops_at_the_first_known_page(db, server):
    scrape(db, server)
    before = len(server.log)
    report = scrape(db, server)
    assert report.fetched == 0
    assert [(r["path"], r["status"]) for r in server.log[before:]] == [("/robots.txt", 304), ("/ru/npa/c/provisions?page=1", 304)]


def test_a_run_stopped_by_limit_is_completed_by_the_next(db, server):
    report = scrape(db, server, limit=2)
    assert report.fetched == 4
    assert not items(db, "govkg", with_document=False).get("listing")  # the walk did not reach the end
    report = scrape(db, server)
    assert report.fetched == 4 and report.skipped == 2
    assert_once(db, "govkg", GOVKG_ITEMS)


def test_since_stops_at_older_resolutions(db, server):
    scrape(db, server, since="2026-09-01")
    assert {k.split("/")[0] for k in items(db, "govkg")} == {"4835", "4834", "4830"}
    assert not server.requests("page=3")


def test_windows_1251_page_under_utf8_header_and_faults(db, server):
    server.fault("/ky/npa/s/4835", ["encoding"])
    server.fault("/ru/npa/s/4834", ["503", "timeout", "truncate"])
    server.fault("/ru/npa/c/provisions?page=2", ["500"])
    report = scrape(db, server)
    assert report.failed == 0
    assert_once(db, "govkg", GOVKG_ITEMS)
    ky = db["documents"].get(items(db, "govkg")["4835/ky"]["document_id"])
    assert "Министрлер Кабинети токтом кылат" in ky["text"]


def test_a_changed_layout_is_reported_per_page(db, server, tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "responses.yml").write_text(
        "responses:\n- {method: GET, path: /ru/npa/s/4830, status: 200, text: '<html><body><p>redesigned</p></body></html>'}\n",
        encoding="utf-8")
    with ReplayServer(broken, GOVKG) as srv:
        report = scrape_fast("govkg", db, srv)
    assert report.failed == 1 and "layout" in report.errors[0][2] and report.errors[0][0] == "4830/ru"
    assert_once(db, "govkg", GOVKG_ITEMS - {"4830/ru"})
