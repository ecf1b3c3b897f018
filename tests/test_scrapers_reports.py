"""The generic agency-report scraper on a made-up site: pages, PDF/DOCX attachments, robots.txt."""
from __future__ import annotations

import pytest

from pipeline.document import TarazaError
from scrapers import run
from scrapers.replay import ReplayServer
from scrapers_support import REPORTS, REPORTS_SITES, fast_db, items, scrape_fast

db = fast_db   # the scraper tests' corpus DB fixture

KEYS = {"made-up-agency:75/ru", "made-up-agency:77/ru/att/2ebf51f71b90", "made-up-agency:77/ru/att/54217f37bf3b"}


@pytest.fixture
def server(shared):
    with ReplayServer(REPORTS, retry_after="0") as srv:
        yield srv


def scrape(db, srv, **kw):
    [report] = scrape_fast("reports", db, srv, config=REPORTS_SITES, **kw)
    return report


def test_pages_and_attachments_become_report_documents(db, server):
    report = scrape(db, server)
    assert report.failed == 0
    got = items(db, "reports")
    direct = [k for k in got if k.endswith("/ru") and ":75/" not in k]
    assert set(got) == KEYS | set(direct) and len(direct) == 1         # the plan linked straight from the list
    rows = {r["path"].rsplit("/", 1)[-1]: r for r in db.query("select * from documents where source = 'reports'")}
    assert set(rows) == {"made-up-report-2025.docx", "law-257.pdf", "ru", "made-up-plan-2026.docx"}
    assert {r["kind"] for r in rows.values()} == {"report"}
    assert rows["law-257.pdf"]["format"] == "pdf" and rows["law-257.pdf"]["made_up"] == 0   # the real stand-in PDF
    assert rows["made-up-report-2025.docx"]["made_up"] == 1
    assert rows["made-up-report-2025.docx"]["act_date"] == "2026-01-15"
    assert rows["made-up-report-2025.docx"]["issuing_body"] == "Выдуманное министерство (тестовый сайт)"
    assert "Мера 1.1" in rows["made-up-report-2025.docx"]["text"]
    assert "Мера 2.1 плана выполнена" in rows["ru"]["text"] and "Новости министерства" not in rows["ru"]["text"]
    assert rows["made-up-plan-2026.docx"]["act_date"] == "2026-01-20"
    # the short cover page of post 77 is not a document; robots.txt keeps /private/ out
    assert items(db, "reports", with_document=False)["made-up-agency:77/ru"]["store_status"] == "no_text"
    assert not server.requests("/private/")


def test_second_run_fetches_nothing_new(db, server):
    scrape(db, server)
    before = len(server.log)
    report = scrape(db, server)
    assert report.fetched == 0 and all(r["status"] == 304 for r in server.log[before:])


def test_a_cut_attachment_is_downloaded_again_and_a_failing_one_is_retried_next_run(db, server):
    server.fault("/uploads/made-up-report-2025.docx", ["truncate-body"])
    server.fault("/uploads/law-257.pdf", "500", repeat=True)
    report = scrape(db, server)
    assert report.failed == 1 and report.errors[0][0] == "made-up-agency:77/ru/att/54217f37bf3b"
    assert "made-up-agency:77/ru/att/2ebf51f71b90" in items(db, "reports")
    assert "made-up-agency:77/ru" not in items(db, "reports", with_document=False)   # page revisited next time
    server.clear_faults()
    before = len(server.log)
    report = scrape(db, server)
    assert report.failed == 0 and report.fetched == 1
    assert not [r for r in server.log[before:] if "made-up-report-2025" in r["path"]]  # not downloaded twice
    assert KEYS <= set(items(db, "reports"))


def test_unknown_site_is_a_clear_error(db, server):
    with pytest.raises(TarazaError, match="no site 'nope' configured"):
        run("reports", db, base_url=server.url, config=REPORTS_SITES, site="nope")
