"""Dates users type (``monitor --as-of``, ``match --input`` lines) and agency names in match input: ISO and
day-first dates mean the same day, impossible or unreadable dates are refused naming the value, and an
agency the registry does not know is warned about once per name (user audit, findings 8, 13, 22)."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.dates import check_passage_inputs, parse_user_date
from pipeline.document import TarazaError
from tests.conftest import SEED_PLAN


@pytest.mark.parametrize("value, iso", [("2017-01-01", "2017-01-01"), ("01.01.2017", "2017-01-01"),
                                        ("1.3.2016", "2016-03-01"), ("31/12/2016", "2016-12-31"),
                                        (" 2016-2-29 ", "2016-02-29")])
def test_iso_and_day_first_dates_are_read(value, iso):
    assert parse_user_date(value) == iso


@pytest.mark.parametrize("value, reason", [("2016-13-45", "not a real date"), ("30.02.2017", "not a real date"),
                                           ("вчера", "not a date"), ("2017", "not a date"),
                                           ("01.01.17", "not a date")])
def test_impossible_or_unreadable_dates_are_refused_naming_the_value(value, reason):
    with pytest.raises(ValueError, match=reason) as err:
        parse_user_date(value)
    assert f"«{value}»" in str(err.value)


def test_match_input_dates_become_iso_and_a_bad_one_names_its_line():
    recs = [{"_line": 1, "text": "a", "date": "01.03.2016"}, {"_line": 2, "text": "b", "date": "2016-06-30"},
            {"_line": 3, "text": "c"}, {"_line": 4, "text": "d", "date": "2016"}]
    check_passage_inputs(recs, warn=lambda m: None)
    assert [r.get("date") for r in recs] == ["2016-03-01", "2016-06-30", None, "2016"]  # a year alone is kept
    for bad in ("вчера", "31.02.2016"):
        with pytest.raises(TarazaError, match="line 5") as err:
            check_passage_inputs([{"_line": 5, "text": "e", "date": bad}], warn=lambda m: None)
        assert f"«{bad}»" in str(err.value)


def test_unknown_agency_in_match_input_is_warned_once_per_name():
    said = []
    recs = [{"_line": 1, "text": "a", "agency": "Министерство юстиции"},
            {"_line": 2, "text": "b", "agency": "Министерство магии"},
            {"_line": 3, "text": "c", "agency": "Министерство магии"},
            {"_line": 4, "text": "d", "agency": "Комитет по драконам"}]
    check_passage_inputs(recs, warn=said.append)
    assert len(said) == 2
    assert "«Министерство магии»" in said[0] and "line 2" in said[0]
    assert "«Комитет по драконам»" in said[1]


def test_registry_ids_are_agencies_in_match_input_and_give_the_agency_prior(index_seed):
    # user audit 2, finding 7: «minjust» is the registry's own name for the Ministry of Justice
    said = []
    check_passage_inputs([{"_line": 1, "text": "a", "agency": "minjust"},
                          {"_line": 2, "text": "b", "agency": "gknb"}], warn=said.append)
    assert said == []
    from pipeline.match import find_agencies

    assert find_agencies("minjust") == find_agencies("Министерство юстиции") == ["minjust"]
    text = "Проведено обучение сотрудников."
    ch = index_seed.channel_scores(text, "ru")
    assert (index_seed.combine(ch, "ru", agency="minjust") == index_seed.combine(ch, "ru", agency="Министерство юстиции")).all()
    assert (index_seed.combine(ch, "ru", agency="minjust") != index_seed.combine(ch, "ru")).any()


@pytest.fixture(scope="module")
def index_seed():
    from pipeline.match import MeasureIndex, load_plan

    return MeasureIndex(load_plan(SEED_PLAN))


def test_match_lines_skips_a_bad_date_and_names_its_line():
    # user audit 2, finding 17: one bad line no longer costs the others (as in `taraza classify`)
    from pipeline.match import match_lines

    lines = [json.dumps({"id": "p1", "text": "Проведено 5 семинаров.", "lang": "ru", "date": "2016-13-45"})]
    bad = []
    assert match_lines(None, lines, bad) == []  # the index is never reached
    assert len(bad) == 1 and "line 1" in str(bad[0]) and "«2016-13-45»" in str(bad[0])
    with pytest.raises(TarazaError, match="line 1"):  # without a list to report into, the bad line is refused
        match_lines(None, lines)


def test_match_input_skips_bad_lines_reports_each_and_exits_1(tmp_path):
    src = tmp_path / "made-up-in.jsonl"
    src.write_text("\n".join([
        json.dumps({"id": "ok1", "text": "Проведена антикоррупционная экспертиза 312 проектов актов.", "lang": "ru"}),
        json.dumps({"id": "nodate", "text": "Проведено 5 семинаров.", "lang": "ru", "date": "вчера"}),
        "{not json",
        json.dumps({"id": "empty", "text": "", "lang": "ru"}),
        json.dumps({"id": "ok2", "text": "Обучено 58 экспертов государственных органов.", "lang": "ru",
                    "agency": "minjust", "date": "01.03.2016"}),
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["match", "--plan", str(SEED_PLAN), "--input", str(src), "--output", str(out)])
    assert res.exit_code == 1
    assert [json.loads(l)["id"] for l in out.read_text(encoding="utf-8").splitlines()] == ["ok1", "ok2"]
    said = res.output  # stderr is mixed into output by CliRunner
    assert f"{src}: line 2: \"date\": «вчера» is not a date" in said
    assert f"{src}: line 3: not JSON" in said and f"{src}: line 4: no \"text\"" in said
    assert "2 passages" in said and "3 bad lines skipped" in said
    assert "not in the registry" not in said  # «minjust» is a registry id


def test_monitor_as_of_reads_day_first_dates_and_refuses_impossible_ones(tmp_path):
    runner = CliRunner()
    db = ["--db", str(tmp_path / "m.db")]
    assert runner.invoke(main, [*db, "plan", "load", str(SEED_PLAN)]).exit_code == 0
    iso = runner.invoke(main, [*db, "monitor", "--plan", str(SEED_PLAN), "--as-of", "2017-01-01", "--json"])
    day_first = runner.invoke(main, [*db, "monitor", "--plan", str(SEED_PLAN), "--as-of", "01.01.2017", "--json"])
    assert iso.exit_code == 0 and day_first.exit_code == 0
    assert iso.output == day_first.output and '"overdue_no_report"' in iso.output
    bad = runner.invoke(main, [*db, "monitor", "--plan", str(SEED_PLAN), "--as-of", "2016-13-45"])
    assert bad.exit_code == 2 and "«2016-13-45» is not a real date" in bad.output
