"""DOCX drafts as ministries write them: Word's automatic list numbers, page headers and footers.

Every DOCX here is made up by the test itself (python-docx's default template, whose List Number styles are
numbered through numbering.xml, as most drafts' are); none is a real act.
"""
from __future__ import annotations

import json
import zipfile

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.ingest import read_document
from pipeline.structure import parse_document

MADE_UP_NOTE = "Made-up draft (invented for testing Taraza)."


def _numbering(d):
    return d.part.numbering_part.element


def _num_of_style(d, style_name: str) -> str:
    from docx.oxml.ns import qn

    return d.styles[style_name].element.find(qn("w:pPr")).find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))


def _restarted(d, style_name: str) -> int:
    """A new list instance of the style's list that starts again at 1 (Word's «Restart at 1»)."""
    from docx.oxml.ns import qn

    numbering = _numbering(d)
    base = next(n for n in numbering.num_lst if str(n.numId) == _num_of_style(d, style_name))
    num = numbering.add_num(base.abstractNumId.val)
    num.add_lvlOverride(ilvl=0).add_startOverride(1)
    return num.numId


def _set_num(p, num_id: int, ilvl: int = 0):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    numpr = OxmlElement("w:numPr")
    il = OxmlElement("w:ilvl")
    il.set(qn("w:val"), str(ilvl))
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), str(num_id))
    numpr.append(il)
    numpr.append(nid)
    p._p.get_or_add_pPr().append(numpr)


def _multilevel(d) -> int:
    """A multilevel list as a ministry template defines it: «1.», «1)», «а)»."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    numbering = _numbering(d)
    aid = 90
    levels = [("decimal", "%1."), ("decimal", "%2)"), ("russianLower", "%3)")]
    xml = f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{aid}"><w:multiLevelType w:val="multilevel"/>' + "".join(
        f'<w:lvl w:ilvl="{i}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/><w:lvlText w:val="{text}"/>'
        f'<w:pPr><w:ind w:left="{360 * (i + 1)}" w:hanging="360"/></w:pPr></w:lvl>'
        for i, (fmt, text) in enumerate(levels)) + "</w:abstractNum>"
    numbering.insert(0, parse_xml(xml))
    return numbering.add_num(aid).numId


def _draft(path, *, restart: bool = True, header: str = "", footer: str = ""):
    import docx

    d = docx.Document()
    if header:
        d.sections[0].header.paragraphs[0].text = header
    if footer:
        d.sections[0].footer.paragraphs[0].text = footer
    d.add_paragraph(MADE_UP_NOTE)
    d.add_paragraph("ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ КЫРГЫЗСКОЙ РЕСПУБЛИКИ")
    d.add_paragraph("Об утверждении Положения о выдаче вымышленных разрешений")
    d.add_paragraph("Статья 1. Порядок выдачи разрешений")
    d.add_paragraph("Разрешение выдается уполномоченным органом.", style="List Number")
    d.add_paragraph("Для получения разрешения заявитель представляет следующие документы:", style="List Number")
    d.add_paragraph("заявление;", style="List Number 2")
    d.add_paragraph("иные документы по требованию органа.", style="List Number 2")
    d.add_paragraph("Уполномоченный орган вправе отказать в выдаче разрешения в случае необходимости.",
                    style="List Number")
    d.add_paragraph("Статья 2. Размер платы")
    first = d.add_paragraph("Плата устанавливается органом по своему усмотрению.", style="List Number")
    if restart:
        _set_num(first, _restarted(d, "List Number"))
    d.add_paragraph("Статья 3. Заключительные положения")
    ml = _multilevel(d)
    for text, level in [("Заявление рассматривается в течение 10 рабочих дней.", 0),
                        ("В выдаче отказывается, если:", 0), ("заявитель представил:", 1),
                        ("недостоверные сведения;", 2), ("неполный пакет документов;", 2),
                        ("разрешение уже выдано.", 1)]:
        _set_num(d.add_paragraph(text), ml, level)
    d.add_paragraph("1. Текст с номером, набранным вручную.", style="List Number")
    d.save(str(path))
    return path


@pytest.fixture
def draft(tmp_path):
    return _draft(tmp_path / "made-up-draft-autonum.ru.docx")


def test_word_list_numbers_become_parts_points_and_subpoints(draft):
    doc = read_document(draft)
    st = parse_document(doc)
    by_path = {c.path: c.text for c in st.clauses}
    assert by_path["ст. 1 ч. 1"] == "1. Разрешение выдается уполномоченным органом."
    # List Number 2 under a lead-in: what a lawyer cites as «пункт 1 части 2»
    assert by_path["ст. 1 ч. 2 п. 1"] == "1) заявление;"
    assert by_path["ст. 1 ч. 2 п. 2"] == "2) иные документы по требованию органа."
    assert by_path["ст. 1 ч. 3"].startswith("3. Уполномоченный орган вправе")
    # «Restart at 1» (a new w:num with w:startOverride) in the next article
    assert by_path["ст. 2 ч. 1"].startswith("1. Плата")
    # a multilevel list: «1.», «1)», russianLower «а)»
    assert by_path["ст. 3 ч. 1"].startswith("1. Заявление")
    assert by_path["ст. 3 ч. 2 п. 1 пп. а"] == "а) недостоверные сведения;"
    assert by_path["ст. 3 ч. 2 п. 1 пп. б"] == "б) неполный пакет документов;"
    assert by_path["ст. 3 ч. 2 п. 2"] == "2) разрешение уже выдано."
    assert not any(p.startswith("ст. 1 абз.") for p in by_path)
    # the lead-in still travels with its points
    lead = next(c for c in st.clauses if c.path == "ст. 1 ч. 2 п. 1").lead_in
    assert lead.endswith("следующие документы:")
    # a number typed by the author is not doubled
    assert "1. Текст с номером, набранным вручную." in doc.text.split("\n")
    assert "1. 1." not in doc.text and "3. 1." not in doc.text


def test_a_list_that_word_continues_keeps_counting(tmp_path):
    """Without «Restart at 1», Word goes on counting the List Number paragraphs of the next article: the
    author sees «4.» there, and so does Taraza."""
    doc = read_document(_draft(tmp_path / "made-up-draft-continued.ru.docx", restart=False))
    assert "4. Плата устанавливается органом по своему усмотрению." in doc.text.split("\n")


@pytest.mark.parametrize("n, fmt, shown", [
    (1, "decimal", "1"), (12, "decimal", "12"), (3, "russianLower", "в"), (10, "russianLower", "к"),
    (2, "russianUpper", "Б"), (27, "lowerLetter", "aa"), (4, "lowerRoman", "iv"), (14, "upperRoman", "XIV"),
    (5, "decimalZero", "05"),
])
def test_number_formats(n, fmt, shown):
    from pipeline.docx_numbering import format_number

    assert format_number(n, fmt) == shown


def test_page_header_and_footer_are_not_title_or_clauses(tmp_path):
    path = _draft(tmp_path / "made-up-draft-header.ru.docx",
                  header="ПРОЕКТ. Министерство вымышленных дел. Статья 99. Заголовок колонтитула",
                  footer="Страница 1. Статья 100. Нижний колонтитул")
    doc = read_document(path)
    st = parse_document(doc)
    assert "колонтитул" not in doc.text
    assert doc.title == ""
    assert st.header["title"] == "Об утверждении Положения о выдаче вымышленных разрешений"
    assert {a.number for a in st.articles} == {"1", "2", "3"}
    assert not any("колонтитул" in c.text for c in st.clauses)
    res = CliRunner().invoke(main, ["check", str(path), "--format", "md"])
    assert res.exit_code == 0, res.output
    assert res.output.splitlines()[0].endswith("Об утверждении Положения о выдаче вымышленных разрешений")


def test_cbd_page_header_is_still_the_display_title():
    from conftest import DOCX

    doc = read_document(DOCX / "family-code-2003-201.ru.docx")
    assert doc.title.startswith("Кодекс КР от 30 августа 2003 года № 201")


def _anchored(path) -> dict[str, str]:
    """Comment text → text of the paragraph its range starts in."""
    import docx
    from docx.oxml.ns import qn

    d = docx.Document(str(path))
    texts = {str(c.comment_id): c.text for c in d.comments}
    out = {}
    for p in d.element.body.iter(qn("w:p")):
        for mark in p.iter(qn("w:commentRangeStart")):
            para = "".join(t.text or "" for t in p.iter(qn("w:t")))
            out[texts[mark.get(qn("w:id"))]] = para
    return out


def test_check_docx_anchors_comments_on_auto_numbered_paragraphs(draft, tmp_path):
    rep = json.loads(CliRunner().invoke(main, ["check", str(draft), "--format", "json"]).output)
    vprave = next(f for f in rep["flags"] if f["factor"] == "vprave_competence")
    assert vprave["path"] == "ст. 1 ч. 3"
    out = tmp_path / "commented.docx"
    res = CliRunner().invoke(main, ["check", str(draft), "--format", "docx", "-o", str(out)])
    assert res.exit_code == 0, res.output
    anchored = _anchored(out)
    on_vprave = [para for text, para in anchored.items() if vprave["name"] in text and "вправе" in text]
    assert on_vprave == ["Уполномоченный орган вправе отказать в выдаче разрешения в случае необходимости."]
    # every flagged clause found its own paragraph: only the whole-document comment sits on the first one
    first = [text for text, para in anchored.items() if para == MADE_UP_NOTE]
    assert len(first) <= 1
    assert all(f["path"] + ":" not in "".join(first) for f in rep["flags"])
    # the author's paragraphs are untouched: Word still draws the numbers, none was typed in
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "1. Разрешение" not in xml


MADE_UP_KY = """Made-up act (invented for testing Taraza).
Ойдон чыгарылган уруксаттар жөнүндө
1-берене. Уруксат берүү
1. Уруксат ыйгарым укуктуу орган тарабынан төмөнкү учурларда берилет:
1) арыз берилгенде;
2) документтер толук болгондо.
2. Орган уруксат берүүдөн баш тартууга укуктуу.
"""


def test_parse_shows_kyrgyz_labels_beside_unchanged_paths(tmp_path):
    act = tmp_path / "made-up-act.ky.txt"
    act.write_text(MADE_UP_KY, encoding="utf-8")
    out = json.loads(CliRunner().invoke(main, ["parse", str(act), "--json"]).output)
    by_path = {c["path"]: c["label"] for c in out["clauses"]}
    assert by_path["ст. 1 ч. 1 п. 2"] == "1-берене, 1-бөлүк, 2-пункт"
    assert by_path["ст. 1 ч. 2"] == "1-берене, 2-бөлүк"
    res = CliRunner().invoke(main, ["parse", str(act), "--clauses"])
    assert res.exit_code == 0, res.output
    assert "1-берене (ст. 1). Уруксат берүү" in res.output
    assert "1-берене, 1-бөлүк, 2-пункт (ст. 1 ч. 1 п. 2): 2) документтер толук болгондо." in res.output
    ru = tmp_path / "made-up-act.ru.txt"
    ru.write_text("Статья 1. Выдача\n1. Разрешение выдается органом.\n2. Орган вправе отказать.\n", encoding="utf-8")
    out = json.loads(CliRunner().invoke(main, ["parse", str(ru), "--json", "--clauses"]).output)
    assert [(c["path"], c["label"]) for c in out["clauses"]] == [("ст. 1 ч. 1", "ст. 1 ч. 1"), ("ст. 1 ч. 2", "ст. 1 ч. 2")]


def test_numbered_paragraphs_in_table_cells_keep_their_numbers(tmp_path):
    """A draft's table of documents whose «№» cells are Word's List Number (user audit 2): the row reads as the
    author sees it, «1. | заявление», and the body list after the table counts on from where Word does."""
    import docx

    d = docx.Document()
    d.add_paragraph(MADE_UP_NOTE)
    d.add_paragraph("Статья 1. Перечень документов")
    t = d.add_table(rows=2, cols=2)
    for r, text in enumerate(["заявление", "копия паспорта"]):
        t.cell(r, 0).paragraphs[0].style = d.styles["List Number"]
        t.cell(r, 1).text = text
    d.add_paragraph("Документы подаются лично.", style="List Number")
    path = tmp_path / "made-up-draft-table-numbers.ru.docx"
    d.save(path)
    lines = read_document(path).text.split("\n")
    assert "1. | заявление" in lines and "2. | копия паспорта" in lines
    assert "3. Документы подаются лично." in lines
