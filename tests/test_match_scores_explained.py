"""What a match score is, told where users meet it: `taraza match --help` and the database's column
descriptions (metadata.yml), and the bounded probability stored beside the unbounded scores."""
import yaml
from click.testing import CliRunner

from pipeline.cli import main
from tests.conftest import ROOT, SEED_PLAN


def test_match_help_says_what_a_score_is():
    out = CliRunner().invoke(main, ["match", "--help"]).output
    assert "z-score" in out and "no upper bound" in out and "p_on_plan" in out


def test_database_metadata_describes_scores_channels_and_the_probability():
    tables = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))["databases"]["taraza"]["tables"]
    matches = tables["matches"]
    assert "z-балл" in matches["description"] and "p_on_plan" in matches["description"]
    assert {"score", "channels"} <= set(matches["columns"])
    assert "0–1" in tables["passages"]["columns"]["p_on_plan"]


def test_reports_store_the_probability_of_each_passage(tmp_path):
    dbp = tmp_path / "t.db"
    report = ROOT / "corpus" / "demo" / "reports" / "made-up-report-minjust-2016q2.ru.txt"
    res = CliRunner().invoke(main, ["--db", str(dbp), "match", "--plan", str(SEED_PLAN), "--report", str(report)])
    assert res.exit_code == 0, res.output
    from corpus import open_db

    rows = list(open_db(dbp).query(
        "select p.p_on_plan, exists (select 1 from matches m where m.passage_id = p.id) as matched from passages p"))
    assert rows and all(0 <= r["p_on_plan"] <= 1 for r in rows)
    matched = [r["p_on_plan"] for r in rows if r["matched"]]
    assert matched and sum(matched) / len(matched) > 0.5
