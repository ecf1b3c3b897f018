"""Help texts and small outputs a fresh user reads first (fresh-user finding 24)."""
from __future__ import annotations

from click.testing import CliRunner

from pipeline.cli import act_heading, main


def help_of(*command: str) -> str:
    res = CliRunner().invoke(main, [*command, "--help"])
    assert res.exit_code == 0, res.output
    return " ".join(res.output.split())


def test_db_option_names_its_environment_variable():
    assert "TARAZA_DB" in help_of()


def test_evaluate_task_lists_the_tasks_it_takes():
    out = help_of("evaluate")
    assert "[factors|matching]" in out and "EVALUATORS" not in out


def test_serve_says_which_database_it_serves_by_default():
    assert "default data/public.db" in help_of("serve")


def test_monitor_help_explains_its_table_columns():
    out = help_of("monitor")
    for column in ("№", "итог", "срок", "статус", "фрагм.", "ответственные", "отчитались"):
        assert f" {column} " in out, column
    assert "evidence: how many report passages" in out and "overdue_not_done" in out


def test_act_heading_leaves_out_what_the_header_lacks():
    assert act_heading("постановление", "2015-03-12", "170") == "постановление 2015-03-12 № 170"
    assert act_heading("постановление", "", "") == "постановление"
    assert act_heading(None, None, None) == ""


def test_parse_prints_no_bare_number_sign(tmp_path):
    act = tmp_path / "made-up-resolution.ru.txt"
    # made up: a resolution whose header gives no number
    act.write_text("ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ\nО вымышленных разрешениях (made-up act for tests)\n"
                   "1. Разрешение выдается уполномоченным органом в течение 5 рабочих дней.\n",
                   encoding="utf-8")
    res = CliRunner().invoke(main, ["parse", str(act)])
    assert res.exit_code == 0, res.output
    first = res.output.splitlines()[0]
    assert "№" not in first and "  " not in first, first
