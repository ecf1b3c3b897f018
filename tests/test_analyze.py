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


def test_classify_reports_bad_lines_and_classifies_the_rest(tmp_path):
    inp = tmp_path / "made-up-in.jsonl"
    lines = [json.dumps({"id": "ok1", "text": "Уполномоченный орган вправе приостановить действие разрешения.",
                         "lang": "ru"}, ensure_ascii=False),
             json.dumps({"id": "x", "text": "hello", "lang": "en"}),
             json.dumps({"text": "Орган вправе приостановить действие разрешения.", "lang": "ru"}, ensure_ascii=False),
             "{not json",
             json.dumps({"id": "ok2", "text": "Гражданин вправе обжаловать решение.", "lang": "ru"}, ensure_ascii=False)]
    inp.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["classify", "--input", str(inp), "--output", str(out)])
    assert res.exit_code == 1 and "Traceback" not in res.output
    assert f"{inp}: line 2: lang must be" in res.output
    assert f"{inp}: line 3: no \"id\"" in res.output and f"{inp}: line 4: not JSON" in res.output
    got = [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()]
    assert got == ["ok1", "ok2"]


def test_classify_warns_when_a_clause_is_in_the_other_language(tmp_path):
    inp = tmp_path / "made-up-in.jsonl"
    rows = [{"id": "ru-as-ky", "text": "Уполномоченный орган вправе приостановить действие разрешения на срок до шести "
             "месяцев.", "lang": "ky"},
            {"id": "ky-as-ky", "text": "Ыйгарым укуктуу орган уруксаттын колдонулушун алты айга чейинки мөөнөткө "
             "токтото турууга укуктуу.", "lang": "ky"}]
    inp.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "o.jsonl"
    res = CliRunner().invoke(main, ["classify", "--input", str(inp), "--output", str(out)])
    assert res.exit_code == 0, res.output
    assert f"{inp}: line 1: warning: the text looks Russian but lang is 'ky'" in res.output
    assert "line 2" not in res.output
    assert [json.loads(x)["id"] for x in out.read_text(encoding="utf-8").splitlines()] == ["ru-as-ky", "ky-as-ky"]


def test_check_refuses_to_write_its_report_over_the_draft(tmp_path):
    draft = tmp_path / "made-up-draft.ru.txt"
    draft.write_text(MADE_UP_DRAFT, encoding="utf-8")
    res = CliRunner().invoke(main, ["check", str(draft), "--format", "md", "-o", str(draft)])
    assert res.exit_code == 2 and "is the draft itself" in res.output
    assert draft.read_text(encoding="utf-8") == MADE_UP_DRAFT

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
    assert run.exit_code == 1, run.output           # the good file is stored, and the failures are not hidden
    assert "Traceback" not in run.output
    assert "1 analyzed" in run.output and "broken.docx" in run.output
    from corpus import open_db

    db = open_db(db_path)
    flags = list(db["flags"].rows)
    assert flags and all(f["clause_id"].startswith(f["document_id"]) for f in flags)
    assert db["factors"].count == 14
    again = CliRunner().invoke(main, ["--db", str(db_path), "analyze", str(folder)])
    assert "0 analyzed, 1 unchanged" in again.output
    good = CliRunner().invoke(main, ["--db", str(db_path), "analyze", str(folder / "made-up-draft.ru.txt")])
    assert good.exit_code == 0 and "0 failed" in good.output


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


# made up: a law whose article heading says «Порядок» and whose text says «решение»; not a by-law
MADE_UP_LAW_WITH_PROCEDURE = """ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ
О вымышленных лицензиях (made-up law for tests)
Статья 1. Порядок выдачи лицензии
1. Уполномоченный орган принимает решение о выдаче лицензии в течение 10 рабочих дней.
2. Уполномоченный орган вправе приостановить действие лицензии.
"""
# made up: a resolution (and an instruction) that names no delegating law: a by-law filling a gap
MADE_UP_RESOLUTION = """ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ
О вымышленных разрешениях (made-up resolution for tests)
1. Разрешение выдается уполномоченным органом в течение 5 рабочих дней.
2. За выдачу разрешения взимается плата.
"""
MADE_UP_INSTRUCTION = MADE_UP_RESOLUTION.replace("ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ", "ИНСТРУКЦИЯ")


@pytest.mark.parametrize("text, bylaw", [
    (MADE_UP_LAW_WITH_PROCEDURE, False),
    ("ПРОЕКТ\n" + MADE_UP_LAW_WITH_PROCEDURE, False),                            # a draft law
    (MADE_UP_LAW_WITH_PROCEDURE.replace("ЗАКОН", "КОДЕКС", 1), False),
    (MADE_UP_RESOLUTION, True),
    (MADE_UP_INSTRUCTION, True),
    (MADE_UP_RESOLUTION.replace("ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ", "ПРИКАЗ МИНИСТЕРСТВА"), True),
])
def test_by_law_finding_reads_the_act_type_from_the_header(tmp_path, text, bylaw):
    from pipeline.analyze_cli import analyze_file

    draft = tmp_path / "made-up-act.ru.txt"
    draft.write_text(text, encoding="utf-8")
    found = {f["factor"] for f in analyze_file(draft)["findings"]}
    assert ("gap_filling_bylaw" in found) == bylaw


# made up: a regulation with a document list in a table (the open-ended last row is the flagged one)
MADE_UP_TABLE_DRAFT = """ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ
О вымышленных разрешениях на вырубку (made-up draft for tests)
1. Уполномоченный орган вправе приостановить действие разрешения.
2. К заявлению прилагаются документы по перечню:
№ | Документ | Основание
1 | Копия паспорта | обязательно
2 | Иные документы | Заявитель представляет иные документы по требованию уполномоченного органа
3. Разрешение выдается в течение 10 рабочих дней.
"""


def _comments(path):
    import docx

    return list(docx.Document(str(path)).comments)


def test_docx_comments_cover_table_rows_and_document_findings(tmp_path):
    from scrapers.replay import docx_from_text

    src = tmp_path / "made-up-table-draft.ru.docx"
    src.write_bytes(docx_from_text(MADE_UP_TABLE_DRAFT))
    rep = json.loads(CliRunner().invoke(main, ["check", str(src), "--format", "json"]).output)
    row = next(f for f in rep["flags"] if "Иные документы" in f["text"])
    assert row["text"].startswith("2 | Иные документы |")
    assert any(f["factor"] == "gap_filling_bylaw" and not f["text"] for f in rep["findings"])
    out = tmp_path / "commented.docx"
    res = CliRunner().invoke(main, ["check", str(src), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    comments = _comments(out)
    flagged = {f["path"] for f in rep["flags"]} | {f["path"] for f in rep["findings"] if f["path"]}
    assert len(comments) == len(flagged) + 1                     # one per clause, one for the whole act
    assert any(row["name"] in c.text and "Иные документы" in c.text for c in comments)
    assert any("заполнение законодательных пробелов" in c.text for c in comments)
    # the table-row comment is anchored inside the table
    import zipfile

    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    tbl = xml[xml.index("<w:tbl>"):xml.index("</w:tbl>")]
    assert "commentRangeStart" in tbl and "commentRangeEnd" in tbl


def test_docx_rerun_replaces_our_comments_and_keeps_others(tmp_path):
    import docx

    from scrapers.replay import docx_from_text

    src = tmp_path / "made-up-draft.ru.docx"
    d = docx.Document(__import__("io").BytesIO(docx_from_text(MADE_UP_DRAFT)))
    d.add_comment(d.paragraphs[1].runs, text="Проверить название (made-up comment of a colleague)",
                  author="Эксперт", initials="Э")
    d.save(str(src))
    once, twice = tmp_path / "once.docx", tmp_path / "twice.docx"
    assert CliRunner().invoke(main, ["check", str(src), "--format", "docx", "-o", str(once)]).exit_code == 0
    res = CliRunner().invoke(main, ["check", str(once), "--format", "docx", "-o", str(twice)])
    assert res.exit_code == 0, res.output
    first, second = _comments(once), _comments(twice)
    assert len(first) >= 3 and sorted(c.text for c in second) == sorted(c.text for c in first)
    assert [c.author for c in second].count("Эксперт") == 1
    assert f"{len(first) - 1} comments" in res.output
    # every anchor in the document belongs to a comment that exists
    import re
    import zipfile

    xml = zipfile.ZipFile(twice).read("word/document.xml").decode()
    ids = set(re.findall(r'<w:commentReference w:id="(\d+)"', xml))
    assert ids == set(re.findall(r'<w:commentRangeStart w:id="(\d+)"', xml)) == {str(c.comment_id) for c in second}


def test_report_has_one_row_per_clause_with_its_factors_inside(tmp_path):
    draft = tmp_path / "made-up-draft.ru.txt"
    # made up: one clause with several factors, one with one
    draft.write_text("ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленных лицензиях (made-up draft for tests)\n"
                     "Статья 1. Лицензия\n"
                     "1. Должностные лица уполномоченного органа при необходимости могут приостановить действие лицензии.\n"
                     "2. К заявлению прилагаются копия паспорта и иные документы по требованию уполномоченного органа.\n",
                     encoding="utf-8")
    rep = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    per_clause = [f["factor"] for f in rep["flags"] if f["path"] == "ст. 1 ч. 1"]
    assert len(per_clause) >= 2                       # json keeps one entry per factor
    md = CliRunner().invoke(main, ["check", str(draft), "--format", "md"]).output
    rows = [ln for ln in md.splitlines() if ln.startswith("| ст. 1 ч. 1 ")]
    assert len(rows) == 1 and all(f"({f}," in rows[0] for f in per_clause)
    page = CliRunner().invoke(main, ["check", str(draft), "--format", "html"]).output
    assert page.count("<td>ст. 1 ч. 1</td>") == 1
    paths = {f["path"] for f in rep["flags"]} | {f["path"] for f in rep["findings"]}
    assert page.count("<tr") - 1 == len(paths) + sum(1 for f in rep["findings"] if not f["path"]) - ("" in paths)


def test_article_written_on_one_line_is_analyzed(tmp_path):
    draft = tmp_path / "made-up-draft.ru.txt"
    draft.write_text("ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленных лицензиях (made-up draft for tests)\n"
                     "Статья 7. Уполномоченный орган вправе аннулировать лицензию.\n", encoding="utf-8")
    rep = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    assert rep["clauses"] == 1
    assert any(f["path"] == "ст. 7" and f["factor"] == "vprave_competence" for f in rep["flags"])


@pytest.mark.parametrize("path, ky", [
    ("ст. 2 ч. 1", "2-берене, 1-бөлүк"),
    ("ст. 3 абз. 3", "3-берене, 3-абзац"),
    ("ст. 5 ч. 1 п. 2 пп. а", "5-берене, 1-бөлүк, 2-пункт, «а» пунктча"),
    ("прил. 1 п. 3", "1-тиркеме, 3-пункт"),
])
def test_kyrgyz_reports_name_clauses_in_kyrgyz(path, ky):
    from pipeline.analyze_cli import clause_label

    assert clause_label(path, "ky") == ky
    assert clause_label(path, "ru") == path


def test_kyrgyz_check_report_labels_articles_in_kyrgyz_and_json_keeps_the_path(tmp_path):
    draft = tmp_path / "made-up-draft.ky.txt"
    # made up: a body considers applications «in a reasonable time», in part 1 of article 2
    draft.write_text("1-берене. Жалпы жоболор\nБул Токтом арыздарды кароо тартибин аныктайт.\n"
                     "2-берене. Арыздарды кароо\n1. Комиссия арыздарды акылга сыярлык мөөнөттө карайт.\n"
                     "2. Арыз каттоо күнүнөн тартып 10 иш күнүнүн ичинде каралат.\n", encoding="utf-8")
    md = CliRunner().invoke(main, ["check", str(draft), "--format", "md"])
    assert md.exit_code == 0, md.output
    assert "| 2-берене, 1-бөлүк |" in md.output and "ст. 2" not in md.output
    html = CliRunner().invoke(main, ["check", str(draft), "--format", "html"]).output
    assert "<td>2-берене, 1-бөлүк</td>" in html
    report = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    assert {f["path"] for f in report["flags"]} == {"ст. 2 ч. 1"}


def test_rules_firing_on_the_same_words_give_one_reason():
    from pipeline.analyze import classify_items, rule_hits_many

    # made up: two deadline rules fire on «рассматривает обращение»; the report gave both their sentences
    item = {"text": "Уполномоченный орган рассматривает обращение лица и уведомляет лицо о принятом решении.",
            "lang": "ru"}
    hits = [h for h in rule_hits_many([item])[0] if h.factor == "missing_deadline"]
    assert len({h.why_ru for h in hits}) > 1, "the case needs two rules with different reasons"
    flag = next(f for f in classify_items([item])[0] if f.factor == "missing_deadline")
    strongest = max(hits, key=lambda h: h.score)
    assert flag.explanation == strongest.why_ru
    assert set(flag.rules) == {h.rule for h in hits}  # every rule is still named


def test_a_term_later_in_the_same_article_clears_the_missing_deadline(tmp_path):
    """Guideline §2 (context rule): a fixed term set two parts later for the same decision is provided; a term
    for another matter in the article is not."""
    draft = tmp_path / "made-up-draft.ru.txt"
    draft.write_text("ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленных охотничьих билетах (made-up draft for tests)\n"
                     "Статья 1. Выдача билета\n"
                     "1. Уполномоченный орган рассматривает заявление и принимает решение о выдаче охотничьего билета.\n"
                     "2. Билет оформляется на бланке установленного образца.\n"
                     "3. Решение о выдаче охотничьего билета принимается в течение 10 рабочих дней со дня регистрации "
                     "заявления.\n"
                     "Статья 2. Жалобы\n"
                     "1. Уполномоченный орган рассматривает жалобу охотника на действия егеря.\n"
                     "2. Егерь составляет протокол в течение 3 дней после осмотра угодий.\n", encoding="utf-8")
    rep = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    deadline = {f["path"] for f in rep["flags"] if f["factor"] == "missing_deadline"}
    assert "ст. 1 ч. 1" not in deadline
    assert "ст. 2 ч. 1" in deadline


@pytest.mark.parametrize("word, topic", [
    # objects of an action: nouns in any case, verbal nouns, nouns that end like a verb form (listed)
    ("арызды", True), ("даттануусун", True), ("буюмдарды", True), ("кайтаруу", True), ("уруксат", True),
    ("уруксатты", True), ("талап", True), ("айып", True),
    # verb forms: finite, passive, participle (also inflected), converbs, conditional
    ("карайт", False), ("берилет", False), ("жүргүзүлөт", False), ("коюлган", False), ("берилгенден", False),
    ("алынып", False), ("карап", False), ("берилсе", False),
    # too general to tie two sentences to one action (rules/ky_article_topic.yml general_stems)
    ("органга", False), ("адамга", False), ("укугу", False), ("мөөнөттө", False), ("тарабынан", False),
])
def test_kyrgyz_article_topic_words_are_noun_like_stems(word, topic):
    from pipeline.analyze import _ky_topic_word

    assert _ky_topic_word(word) is topic


def test_kyrgyz_article_topic_nouns_list_only_words_that_look_like_verb_forms():
    """An entry of `nouns` that no verb ending would catch is dead data."""
    from rules import load_yaml

    spec = load_yaml("ky_article_topic.yml")
    endings = tuple(spec["verb_endings"]) + tuple(spec["bare_verb_endings"])
    assert [w for w in spec["nouns"] if not w.endswith(endings)] == []
