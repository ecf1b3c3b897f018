"""Coverage of a plan by matched reports (pipeline/monitor.py, `taraza monitor`).

The plan is the real seed plan (2015–2017); the reports, passages and matches are made up here and written
into the database as `taraza match --report` writes them, so each test fixes exactly who reported what.
"""
import json

import pytest
from click.testing import CliRunner

from pipeline.agencies import registry
from pipeline.cli import main
from pipeline.match import load_plan
from pipeline.monitor import accountable, compute_coverage, not_accountable_kinds
from pipeline.plan import store_plan
from tests.conftest import SEED_PLAN
from tests.test_rules_agencies import KINDS

AS_OF = "2018-01-01"


@pytest.fixture(scope="module")
def plan():
    return load_plan(SEED_PLAN)


def add_report(db, plan_id, report_id, agency_ids, date, passages):
    """A made-up report: ``passages`` = [(ref, status, text)], each matched at rank 1 to ``ref``."""
    db["reports"].insert({"id": report_id, "plan_id": plan_id, "path": f"made-up-{report_id}.txt", "language": "ru",
                          "title": "", "agency": ", ".join(agency_ids), "agency_ids": json.dumps(agency_ids),
                          "report_date": date, "made_up": 1, "n_passages": len(passages),
                          "n_matched": len(passages), "matched_at": date})
    for k, (ref, status, text) in enumerate(passages):
        pid = f"{report_id}:{k}"
        db["passages"].insert({"id": pid, "report_id": report_id, "ordinal": k, "kind": "paragraph", "lang": "ru",
                               "context": "", "text": text, "start": 0, "end": len(text), "status": status,
                               "status_cues": "[]", "n_figures": 0, "p_on_plan": 0.9})
        db["matches"].insert({"passage_id": pid, "measure_id": f"{plan_id}:{ref}", "plan_id": plan_id, "ref": ref,
                              "report_id": report_id, "rank": 1, "score": 2.0, "channels": "{}", "status": status,
                              "report_date": date, "agency_ids": json.dumps(agency_ids)})


# Made up: what the Ministry of Justice might write on measure 16 (shared with the Government Office, «all
# state bodies», local self-government and NGOs) and on 1.4 (its own, due July 2015).
ON_16 = "Министерством юстиции проведена антикоррупционная экспертиза 48 проектов нормативных правовых актов."
ON_1_4 = "Проект закона об антикоррупционной экспертизе не разработан в связи с реорганизацией."


@pytest.fixture
def covered(db, plan):
    pid = store_plan(db, plan)
    add_report(db, pid, "minjust-docx", ["minjust"], "2016-12-20", [("16", "done", ON_16), ("1.4", "not_done", ON_1_4)])
    # the same report again, as the TXT copy the ministry also published
    add_report(db, pid, "minjust-txt", ["minjust"], "2016-12-20", [("16", "done", ON_16 + "\n"), ("1.4", "not_done", ON_1_4)])
    rows = compute_coverage(db, plan, AS_OF)
    agencies = {r["agency_id"]: r for r in db.query("select * from agency_coverage where plan_id = ?", [pid])}
    return {r["ref"]: r for r in rows}, rows, agencies


def test_a_co_responsible_body_is_not_credited_with_anothers_report(covered, plan):
    _, _, agencies = covered
    office = agencies["government-office"]
    assert office["passages_reported"] == 0
    assert office["reported"] == 0 and office["done"] == 0
    assert office["reported_by_others"] == 1  # measure 16, which only the Ministry of Justice reported on
    assert office["reported_by_others"] + office["not_reported"] == office["measures"]
    assert office["overdue_no_report"] == sum(1 for m in plan.measures if any(a.agency_id == "government-office" for a in m.agencies)
                                              and m.deadline.end and m.deadline.end < AS_OF[:7] and not m.deadline.recurring)
    minjust = agencies["minjust"]
    assert minjust["reported"] == 2 and minjust["done"] == 1 and minjust["not_done"] == 1
    assert minjust["passages_reported"] == 2  # two passages, each in the DOCX and the TXT copy
    assert minjust["reported"] + minjust["reported_by_others"] + minjust["not_reported"] == minjust["measures"]


def test_groups_ngos_and_unknown_names_are_not_agencies_to_hold_to_account(covered, plan):
    _, _, agencies = covered
    for group in ("state-bodies", "local-self-government", "ngos", "law-enforcement", "osce"):
        assert group not in agencies, group
    assert None not in agencies and "АКК" not in agencies  # measure 6 names «АКК», which the registry lacks
    named = {a.agency_id for m in plan.measures for a in m.agencies}
    assert set(agencies) == {a for a in named if accountable(a)}


def test_the_kinds_left_out_are_data_and_mean_groups_not_bodies():
    kinds = not_accountable_kinds()
    assert kinds and kinds <= KINDS
    assert {"generic", "international"} <= kinds
    assert not accountable("state-bodies") and not accountable("ngos") and not accountable("osce")
    assert not accountable(None) and not accountable("no-such-body")
    assert accountable("minjust") and accountable("government-office") and accountable("prosecutor-general")
    assert all(registry().get(i).kind not in kinds for i in ("minjust", "minfin", "supreme-court"))


def test_past_deadline_reported_not_done_has_its_own_flag_after_the_unreported(covered):
    by_ref, rows, _ = covered
    assert by_ref["1.4"]["flag"] == "overdue_not_done" and by_ref["1.4"]["latest_status"] == "not_done"
    assert by_ref["16"]["flag"] == "reported"
    flags = [r["flag"] for r in rows]
    order = ["overdue_no_report", "overdue_not_done", "no_report", "reported"]
    assert flags == sorted(flags, key=order.index)
    assert flags.index("overdue_not_done") == flags.count("overdue_no_report")


def test_one_report_in_two_formats_is_one_piece_of_evidence(covered):
    by_ref, _, _ = covered
    assert by_ref["16"]["evidence"] == 1 and by_ref["1.4"]["evidence"] == 1


def test_reporting_bodies_are_named_like_the_responsible_ones(db, plan):
    pid = store_plan(db, plan)
    # made up: the Ministry of Finance, not responsible for 16, reports on it too
    add_report(db, pid, "minjust", ["minjust"], "2016-12-20", [("16", "done", ON_16)])
    add_report(db, pid, "minfin", ["minfin"], "2016-12-25", [("16", "in_progress", "Минфин участвовал в экспертизе.")])
    r16 = next(r for r in compute_coverage(db, plan, AS_OF) if r["ref"] == "16")
    assert json.loads(r16["reporting"]) == ["minjust", "minfin"]  # the ids stay in the machine column
    assert r16["reporting_text"] == f"ЮМ, {registry().get('minfin').ky}"  # ЮМ as in responsible_text
    assert "ЮМ" in r16["responsible_text"].split(", ")


def test_monitor_table_speaks_russian_and_json_keeps_codes(plan, tmp_path):
    dbp = tmp_path / "m.db"
    from corpus import open_db

    mdb = open_db(dbp)
    pid = store_plan(mdb, plan)
    add_report(mdb, pid, "minjust", ["minjust"], "2016-12-20", [("1.4", "not_done", ON_1_4)])
    runner = CliRunner()
    table = runner.invoke(main, ["--db", str(dbp), "monitor", "--plan", str(SEED_PLAN), "--as-of", AS_OF])
    assert table.exit_code == 0, table.output
    head, *lines = table.output.splitlines()
    for word in ("№", "итог", "срок", "статус", "НКО", "фрагм.", "ответственные", "отчитались"):
        assert word in head, word
    assert not any(w in head for w in ("ref", "flag", "ev ", "responsible", "reporting"))
    row = next(l for l in lines if l.split()[0] == "1.4")
    assert "срок прошёл, не выполнено" in row and "не выполнено" in row and "ЮМ" in row
    assert any(l.startswith("фрагм. —") for l in lines)  # the legend
    js = runner.invoke(main, ["--db", str(dbp), "monitor", "--plan", str(SEED_PLAN), "--as-of", AS_OF, "--json"])
    r14 = next(json.loads(l) for l in js.output.splitlines() if json.loads(l)["ref"] == "1.4")
    assert r14["flag"] == "overdue_not_done" and r14["latest_status"] == "not_done" and r14["reporting"] == '["minjust"]'


def test_an_ngo_that_says_otherwise_marks_the_measure_disputed(db, plan):
    """User audit 2: an NGO's alternative report stays out of «reporting» but must leave a trace in the row."""
    pid = store_plan(db, plan)
    add_report(db, pid, "minjust", ["minjust"], "2016-12-20", [("16", "done", ON_16), ("1.4", "not_done", ON_1_4)])
    # made up: an NGO writes that the expertise was a formality, and agrees on 1.4
    add_report(db, pid, "ngo", [], "2017-01-15", [("16", "not_done", "Экспертиза проводилась формально и не проведена."),
                                                   ("1.4", "not_done", "Закон так и не разработан.")])
    by_ref = {r["ref"]: r for r in compute_coverage(db, plan, AS_OF)}
    assert by_ref["16"]["civil_status"] == "not_done" and by_ref["16"]["disputed"] == 1
    assert json.loads(by_ref["16"]["reporting"]) == ["minjust"]
    assert by_ref["1.4"]["civil_status"] == "not_done" and by_ref["1.4"]["disputed"] == 0
    assert by_ref["2.1"]["civil_status"] == "" and by_ref["2.1"]["disputed"] == 0
    stored = db.execute("select disputed from measure_coverage where measure_id = ?", [f"{pid}:16"]).fetchone()
    assert stored == (1,)
