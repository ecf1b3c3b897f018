"""The analyzer's commands end to end on MADE-UP inputs written here (and the made-up demo drafts):
classify's interface, the escaped HTML report, Word comments in the author's DOCX, the batch into the DB
with bad files in it, and resuming."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from pipeline.cli import main

MADE_UP_DRAFT = """ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ
О вымышленных разрешениях (made-up draft for tests)
Статья 1. Выдача разрешения
1. Уполномоченный орган вправе приостановить действие разрешения <script>alert(1)</script>.
2. К заявлению прилагаются копия паспорта и иные документы по требованию уполномоченного органа.
3. Разрешение выдается в течение 10 рабочих дней со дня поступления заявления.
Статья 2. Права заявителя
Заявитель вправе обжаловать решение уполномоченного органа в судебном порядке.
"""


def test_classify_interface(tmp_path):
    inp = tmp_path / "in.jsonl"
    rows = [
        {"id": "a", "text": "Уполномоченный орган вправе приостановить действие разрешения.", "lang": "ru"},
        {"id": "b", "text": "Гражданин вправе обжаловать решение уполномоченного органа в судебном порядке.", "lang": "ru"},
        {"id": "c", "text": "Ыйгарым укуктуу орган уруксаттын колдонулушун токтото турууга укуктуу.", "lang": "ky",
         "heading": "Уруксат", "lead_in": ""},
    ]
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = CliRunner().invoke(main, ["classify", "--input", str(inp), "--output", str(out)])
    assert res.exit_code == 0, res.output
    got = {r["id"]: r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
    assert set(got) == {"a", "b", "c"}
    assert got["b"]["factors"] == []
    fa = {f["factor"]: f for f in got["a"]["factors"]}
    assert "vprave_competence" in fa and fa["vprave_competence"]["evidence"] == "вправе"
    assert set(fa["vprave_competence"]) == {"factor", "score", "evidence", "explanation"}
    assert any(f["factor"] == "vprave_competence" for f in got["c"]["factors"])


def test_classify_rejects_unknown_language(tmp_path):
    inp = tmp_path / "in.jsonl"
    inp.write_text(json.dumps({"id": "x", "text": "hello", "lang": "en"}), encoding="utf-8")
    res = CliRunner().invoke(main, ["classify", "--input", str(inp), "--output", str(tmp_path / "o.jsonl")])
    assert res.exit_code == 2 and "lang must be" in res.output and "Traceback" not in res.output


def test_check_html_escapes_and_highlights(tmp_path):
    draft = tmp_path / "made-up-draft.ru.txt"
    draft.write_text(MADE_UP_DRAFT, encoding="utf-8")
    out = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["check", str(draft), "--format", "html", "-o", str(out)])
    assert res.exit_code == 0, res.output
    page = out.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<mark>вправе</mark>" in page
    assert "определение компетенции по формуле «вправе»" in page
    # the citizen's own right (ст. 2) is not flagged
    rep = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    assert all(f["path"] != "ст. 2" for f in rep["flags"])
    assert {f["factor"] for f in rep["flags"] if f["path"] == "ст. 1 ч. 2"} >= {"excessive_requirements"}


def test_check_docx_adds_word_comments(tmp_path):
    import docx

    from scrapers.replay import docx_from_text

    src = tmp_path / "made-up-draft.ru.docx"
    src.write_bytes(docx_from_text(MADE_UP_DRAFT))
    out = tmp_path / "commented.docx"
    res = CliRunner().invoke(main, ["check", str(src), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    back = docx.Document(str(out))
    comments = list(back.comments)
    assert len(comments) >= 2
    assert any("вправе" in c.text for c in comments)
    assert [p.text for p in back.paragraphs] == [p.text for p in docx.Document(str(src)).paragraphs]


def test_analyze_batch_with_bad_files_and_resume(tmp_path):
    folder = tmp_path / "drafts"
    folder.mkdir()
    (folder / "made-up-draft.ru.txt").write_text(MADE_UP_DRAFT, encoding="utf-8")
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 this is not a zip")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "english.txt").write_text("Article 1. The authority may refuse a permit.\n" * 3, encoding="utf-8")
    db_path = tmp_path / "t.db"
    run = CliRunner().invoke(main, ["--db", str(db_path), "analyze", str(folder)])
    assert run.exit_code == 0, run.output
    assert "Traceback" not in run.output
    assert "1 analyzed" in run.output and "broken.docx" in run.output
    from corpus import open_db

    db = open_db(db_path)
    flags = list(db["flags"].rows)
    assert flags and all(f["clause_id"].startswith(f["document_id"]) for f in flags)
    assert db["factors"].count == 14
    again = CliRunner().invoke(main, ["--db", str(db_path), "analyze", str(folder)])
    assert "0 analyzed, 1 unchanged" in again.output


@pytest.mark.slow
def test_demo_drafts_get_flags_and_the_clean_one_stays_clean():
    from pathlib import Path

    from pipeline.analyze_cli import analyze_file

    demo = Path(__file__).resolve().parents[1] / "corpus" / "demo"
    grants = analyze_file(demo / "made-up-draft-regulation-grants.ru.txt")
    assert {"missing_deadline", "excessive_requirements", "blanket_reference_norms"} <= {f["factor"] for f in grants["flags"]}
    clean = analyze_file(demo / "made-up-draft-order-clean.ru.txt")
    assert clean["flags"] == []


def test_threshold_prefers_precision_but_not_at_any_cost():
    from models.factors import choose_threshold

    def row(p, r, tp, fp):
        f = 2 * p * r / (p + r)
        return {"any": (p, r, f, tp, fp, 0), "micro": (p, r, f, tp, fp, 0)}

    # one threshold reaches P 0.80 (within its standard error): the best F1 among those that do
    assert choose_threshold({0.35: row(0.68, 0.60, 75, 36), 0.5: row(0.85, 0.40, 50, 9),
                             0.6: row(0.90, 0.20, 25, 3)}) == 0.5
    # none does: the best F0.5, not the best precision bought with half the recall
    assert choose_threshold({0.35: row(0.68, 0.60, 75, 36), 0.6: row(0.71, 0.34, 42, 17)}) == 0.35

    def counted(tp, fp, fn):
        p, r = tp / (tp + fp), tp / (tp + fn)
        return {"any": (p, r, 2 * p * r / (p + r), tp, fp, fn), "micro": (p, r, 2 * p * r / (p + r), tp, fp, fn)}

    # F0.5 within one standard error of the best (one clause apart on 154 positives): the best F1 among them
    assert choose_threshold({0.35: counted(76, 50, 78), 0.55: counted(56, 25, 98)}) == 0.35
    # a clear F0.5 lead stands, although the other threshold has the better F1
    assert choose_threshold({0.35: counted(76, 90, 78), 0.55: counted(56, 20, 98)}) == 0.55


@pytest.mark.parametrize("text, factor", [
    # made up: one inspection with two bodies as its agents (ky.duplicate.two_agents)
    ("Жайыттарды пайдаланууну текшерүү айыл өкмөтүнүн органдары жана айыл чарба органдары тарабынан жүргүзүлөт.",
     "duplicate_powers"),
    # made up: a body's power over a person worded as a right is also discretion (§6.2), as its RU twin says
    ("Ыйгарым укуктуу орган уруксатты кайтарып алууга укуктуу.", "broad_discretion"),
])
def test_kyrgyz_twins_flag_at_the_kyrgyz_threshold(text, factor):
    """Kyrgyz flags need a rule score of 0.55 (the Kyrgyz rules-alone threshold): twins whose Russian score is
    lower but that are right on the training counterparts are scored to reach it."""
    from models.factors import decide
    from pipeline.analyze import rule_hits, rule_scores

    assert factor in decide(rule_scores(rule_hits(text, "ky")), 0.55)
    clean = "Жайыттарды пайдаланууну текшерүү айыл чарба органдары тарабынан он жумуш күнүнүн ичинде жүргүзүлөт."
    assert decide(rule_scores(rule_hits(clean, "ky")), 0.55) == []


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_rule_prefilter_anchors_on_rare_words(lang):
    # a rule's matcher runs only on texts that hold its anchor: an anchor on «в», «и» or «,» sent about a fifth
    # of the rules to their matchers for every clause (the prefilter's results are checked in test_rules_factors)
    from pipeline.analyze import ruleset

    rs = ruleset(lang)
    anchors = {v for idx in rs.anchor_words.values() for v in idx}
    assert not anchors & {"в", "и", "по", "с", "на", ",", ")", "-", "жана", "же"}


def test_marked_merges_overlapping_evidence_and_keeps_blanks_outside():
    from pipeline.analyze_cli import _marked

    text = "Размер определяется с учетом значимости | проекта."
    # two evidence spans that overlap and one ending in a blank: one bold run, no «** » that Markdown cannot close
    out = _marked(text, [(20, 29), (20, 40), (7, 20)], "**", "**", lambda s: s.replace("|", "\\|"))
    assert out == "Размер **определяется с учетом значимости** \\| проекта."


def test_check_markdown_speaks_the_draft_language(tmp_path):
    draft = tmp_path / "made-up-draft.ky.txt"
    # made up: a body considers applications «in a reasonable time»
    draft.write_text("1-берене. Арыздарды кароо\nКомиссия арыздарды акылга сыярлык мөөнөттө карайт.\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(draft), "--format", "md"])
    assert res.exit_code == 0, res.output
    assert "| Берене | Текст | Фактор | Эмне үчүн | Сунуш |" in res.output
    assert "**акылга сыярлык мөөнөттө**" in res.output
