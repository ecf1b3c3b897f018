"""Who issued a report (`taraza match --report`, pipeline.match.report_meta) and what the status of a passage
that matches no measure means for coverage. Inputs are the project's made-up reports."""
import json
from types import SimpleNamespace

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.match import report_meta
from tests.conftest import ROOT, SEED_PLAN

NGO = ROOT / "tests" / "fixtures" / "made-up-report-ngo-alternative.ru.txt"
DEMO = ROOT / "corpus" / "demo" / "reports"


def _meta(text, title=""):
    return report_meta(SimpleNamespace(text=text, title=title))


@pytest.mark.parametrize("path, agency_id", [
    ("made-up-report-minjust-2016q2.ru.txt", "minjust"),    # letterhead «Министерство юстиции Кыргызской Республики»
    ("made-up-report-minfin-2017.ru.txt", "minfin"),
    ("made-up-report-minedu-2016.ky.txt", "minedu"),        # «Кыргыз Республикасынын Билим берүү жана илим министрлиги»
])
def test_a_letterhead_names_the_author(path, agency_id):
    assert _meta((DEMO / path).read_text(encoding="utf-8"))["agency_ids"] == [agency_id]


def test_a_title_naming_the_body_as_issuer_names_the_author():
    ru = _meta("ИНФОРМАЦИЯ\nИнформация Министерства юстиции о ходе исполнения Плана мероприятий за 2016 год\n"
               "Проведена экспертиза 12 проектов.")
    assert ru["agency_ids"] == ["minjust"] and ru["agency"] == "Министерства юстиции" and ru["report_date"] == "2016"
    ky = _meta("Юстиция министрлигинин 2016-жылдагы иш-чаралар планынын аткарылышы жөнүндө маалымат\n"
               "12 долбоорго экспертиза жүргүзүлдү.")
    assert ky["agency_ids"] == ["minjust"]


def test_the_reports_own_heading_is_its_title(tmp_path):
    # user audit 2, finding 22: reports.title was empty
    from pipeline.match import report_title

    def title(text, file_title=""):
        return report_title(SimpleNamespace(text=text, title=file_title))

    minjust = (DEMO / "made-up-report-minjust-2016q2.ru.txt").read_text(encoding="utf-8")
    assert title(minjust).startswith("Информация о ходе исполнения Плана мероприятий")   # below the letterhead
    minedu = (DEMO / "made-up-report-minedu-2016.ky.txt").read_text(encoding="utf-8")
    assert title(minedu).endswith("жөнүндө маалымат, 2016-жыл")
    made_up = ("ИНФОРМАЦИЯ\nИнформация Министерства здравоохранения о выполнении Плана за 2025 год\n"
               "Электронная очередь внедрена в 12 больницах.")
    assert title(made_up) == "Информация Министерства здравоохранения о выполнении Плана за 2025 год"
    assert title("Электронная очередь внедрена в 12 больницах.", "made-up.docx title") == "made-up.docx title"
    _, db, _ = _match(tmp_path)
    assert db.execute("select title from reports").fetchone()[0].startswith(
        "Альтернативный отчет общественного объединения о выполнении антикоррупционного плана")


def test_a_body_only_mentioned_in_the_text_is_not_the_author():
    meta = _meta(NGO.read_text(encoding="utf-8"))
    assert meta == {"agency": "", "agency_ids": [], "report_date": ""}
    ky = _meta("Коомдук бирикменин альтернативдүү отчету\nЮстиция министрлиги мыйзам долбоорун иштеп чыккан жок.")
    assert ky["agency_ids"] == []


def _match(tmp_path, *extra):
    dbp = tmp_path / "t.db"
    res = CliRunner().invoke(main, ["--db", str(dbp), "match", "--plan", str(SEED_PLAN), "--report", str(NGO), *extra])
    assert res.exit_code == 0, res.output
    from corpus import open_db

    return res.output, open_db(dbp), dbp


def _coverage(dbp):
    res = CliRunner().invoke(main, ["--db", str(dbp), "monitor", "--plan", str(SEED_PLAN), "--as-of", "2018-01-01", "--json"])
    assert res.exit_code == 0, res.output
    return [json.loads(l) for l in res.output.splitlines()]


def test_an_ngo_report_is_not_counted_as_the_ministrys_own_report(tmp_path):
    out, db, dbp = _match(tmp_path)
    assert "issuer not named in the header: give --agency" in out
    report = db.execute("select agency, agency_ids from reports").fetchone()
    assert report == ("", "[]")
    assert {r["agency_ids"] for r in db.query("select agency_ids from matches")} == {"[]"}
    rows = _coverage(dbp)
    assert any(r["evidence"] for r in rows)     # the NGO's passage is evidence on the measure ...
    assert all(json.loads(r["reporting"]) == [] for r in rows)   # ... but no body reported it
    assert all(r["passages_reported"] == 0 for r in db.query("select passages_reported from agency_coverage"))


def test_agency_and_date_options_state_who_issued_the_report(tmp_path):
    out, db, _ = _match(tmp_path, "--agency", "ОО «Прозрачный бюджет»", "--date", "2016-12-01")
    assert "not a registry body" in out
    assert db.execute("select agency, agency_ids, report_date from reports").fetchone() == (
        "ОО «Прозрачный бюджет»", "[]", "2016-12-01")
    out, db, _ = _match(tmp_path, "--agency", "minjust")
    assert db.execute("select agency_ids from reports").fetchone() == ('["minjust"]',)


@pytest.mark.parametrize("bad", ["31.02.2016", "2016-13-45", "2016-13", "вчера"])
def test_a_date_that_is_not_a_date_is_refused(tmp_path, bad):
    res = CliRunner().invoke(main, ["--db", str(tmp_path / "t.db"), "match", "--plan", str(SEED_PLAN), "--report",
                                    str(NGO), "--date", bad])
    assert res.exit_code == 2 and "--date" in res.output


def test_an_unmatched_passage_keeps_its_status_and_coverage_ignores_it(tmp_path):
    _, db, dbp = _match(tmp_path, "--agency", "minjust")
    unmatched = list(db.query("select status from passages p where not exists "
                              "(select 1 from matches m where m.passage_id = p.id)"))
    # «Ремонт помещения нашего объединения не начат»: about nothing in the plan, and not done
    assert [p["status"] for p in unmatched] == ["not_done"]
    rows = _coverage(dbp)
    n_rank1 = db.execute("select count(*) from matches where rank = 1").fetchone()[0]
    assert sum(r["evidence"] for r in rows) == n_rank1
