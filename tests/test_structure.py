"""Legal-structure parser on the real Russian/Kyrgyz parallel codes and the API HTML fragments."""
import json
import re

import pytest
from click.testing import CliRunner

from pipeline.cli import main
from pipeline.ingest import read_document
from pipeline.structure import align_articles, parse_document, parse_text
from tests.conftest import DOCX, SAMPLES

HTML = SAMPLES / "cbd-minjust-api-edition-html"
# An article heading, counted independently of the parser: a paragraph that is «Статья N», «Статья N. ...»,
# «N-берене», «N-берене. ...» (checked by hand against the documents: no mentions start a paragraph this way).
HEADING = re.compile(r"^(Статья\s+\d+(-\d+)*(\.|$)|\d+(-\d+)*-берене(\.|$))")


def parsed(name):
    doc = read_document(DOCX / name)
    return doc, parse_document(doc)


@pytest.mark.parametrize("act,count", [("constitution-2021", 116), ("labour-code-2025-23", 265)])
def test_every_article_in_both_languages(act, count):
    ru_doc, ru = parsed(f"{act}.ru.docx")
    ky_doc, ky = parsed(f"{act}.ky.docx")
    assert len(ru.articles) == len(ky.articles) == count
    for doc, st in ((ru_doc, ru), (ky_doc, ky)):
        assert sum(1 for line in doc.text.split("\n") if HEADING.match(line)) == count
    pairs = align_articles(ru, ky)
    assert len(pairs) == count
    assert [a.number for a in ru.articles] == [a.number for a in ky.articles]


def test_constitution_numbering_and_clauses():
    _, st = parsed("constitution-2021.ru.docx")
    assert st.header["act_type"] == "конституция" and st.header["act_date"] == "2021-05-05"
    sections = [n for n in st.tree if n.kind == "section"]
    assert sections[0].number == "ПЕРВЫЙ" and sections[0].children[0].kind == "chapter"
    first = st.clauses[0]
    assert (first.path, first.article) == ("ст. 1 ч. 1", "1")
    art4 = [c for c in st.clauses if c.article == "4"]
    # the lead-in «...основывается на принципах:» is not a clause; it travels with each dash item
    assert [c.path for c in art4] == [f"ст. 4 абз. {i}" for i in range(2, 8)]
    assert all(c.lead_in.endswith("на принципах:") for c in art4)


def test_kyrgyz_labour_code_header_and_paths():
    doc, st = parsed("labour-code-2025-23.ky.docx")
    assert st.header["act_type"] == "кодекс"
    assert (st.header["act_date"], st.header["act_number"]) == ("2025-01-23", "23")
    a1 = st.articles[0]
    assert (a1.number, a1.heading) == ("1", "Ушул Кодексте колдонулуучу негизги түшүнүктөр")
    c = next(c for c in st.clauses if c.path == "ст. 1 п. 1")
    assert c.lead_in == "Ушул Кодексте төмөнкү негизги түшүнүктөр пайдаланылат:"
    assert doc.text[c.start:c.end] == c.text and c.text.startswith("1) коопсуз эмгек шарттары")


def test_offsets_point_into_the_normalised_text():
    doc, st = parsed("family-code-2003-201.ru.docx")
    for c in st.clauses:
        assert doc.text[c.start:c.end] == c.text
    assert len({c.path for c in st.clauses}) == len(st.clauses)


@pytest.mark.parametrize("fragment,expected", [
    ("ru/article_title_next_paragraph.html", [("7", "Трудовые отношения и основания их возникновения"), ("8", "")]),
    ("ru/mention_not_article.html", [("20", "Испытательный срок")]),
    ("ru/superscript_article.html", [("21", "Совокупность преступлений"), ("21-1", "Рецидив преступлений"), ("22", "Следующая")]),
    ("ru/article_hyphen_numbers.html", [("82", "Общий порядок"), ("82-1", "Особенности для отдельных категорий"),
                                        ("82-1-1", "Дополнительные особенности"), ("83", "Следующая")]),
    ("ky/section_2.html", [("17", "Эмгек келишиминин мазмуну")]),
])
def test_api_fragments(fragment, expected):
    st = parse_document(read_document(HTML / fragment))
    assert [(a.number, a.heading) for a in st.articles] == expected


def test_editorial_note_is_not_a_clause():
    st = parse_document(read_document(HTML / "ru" / "editorial_note.html"))
    assert [c.text for c in st.clauses] == ["Оплата труда производится не реже одного раза в месяц."]


def test_act_without_articles_numbers_points():
    st = parse_text(
        "ПОСТАНОВЛЕНИЕ\nот 12 марта 2024 года № 5\nО порядке выдачи разрешений\nПравительство постановляет:\n"
        "1. Утвердить Положение.\n2. Уполномоченному органу:\n1) обеспечить выдачу;\n2) принять меры.\n3. Контроль возложить.",
    )
    assert [c.path for c in st.clauses] == ["п. 1", "п. 2 пп. 1", "п. 2 пп. 2", "п. 3"]
    assert st.header["act_type"] == "постановление" and st.header["act_number"] == "5"


def test_unmarked_list_paragraphs_get_their_lead_in():
    """Made up: a paragraph (or a numbered part) ending in «:» introduces list items written as plain paragraphs;
    each item carries it as its lead-in up to the item that closes the sentence, and the introducing paragraph
    stays a clause."""
    st = parse_text(
        "Статья 5. Отказ\nВ регистрации может быть отказано, если заявитель:\nне представил документы;\n"
        "представил ложные сведения.\nРешение об отказе направляется заявителю.\n"
        "Статья 6. Возврат\n1. Сбор не возвращается.\n2. Сбор возвращается в случаях:\nотзыва заявления;\n"
        "отказа в регистрации.\n"
    )
    lead = {c.path: c.lead_in for c in st.clauses}
    assert lead["ст. 5 абз. 1"] == ""
    assert lead["ст. 5 абз. 2"] == lead["ст. 5 абз. 3"] == "В регистрации может быть отказано, если заявитель:"
    assert lead["ст. 5 абз. 4"] == ""
    assert lead["ст. 6 ч. 2 абз. 2"] == lead["ст. 6 ч. 2 абз. 3"] == "2. Сбор возвращается в случаях:"



def test_dash_items_after_a_parts_lead_in_paragraph_belong_to_the_part():
    """Made up: a numbered part, then its own paragraph ending in «:», then dash items: the items are the part's
    (addressed under it, with that paragraph as lead-in), and the paragraph after the list is the part's next
    абзац with no lead-in; the part after it is numbered as before."""
    st = parse_text(
        "Статья 7. Сбор\n1. Сбор уплачивается до подачи заявления.\nОт сбора освобождаются:\n"
        "- инвалиды I группы;\n- ветераны войны.\nСбор зачисляется в местный бюджет.\n2. Размер сбора устанавливается законом.\n"
    )
    by_path = {c.path: c for c in st.clauses}
    assert [p for p in by_path if p.startswith("ст. 7")] == [
        "ст. 7 ч. 1", "ст. 7 ч. 1 абз. 3", "ст. 7 ч. 1 абз. 4", "ст. 7 ч. 1 абз. 5", "ст. 7 ч. 2"]
    assert by_path["ст. 7 ч. 1 абз. 3"].text == "- инвалиды I группы;"
    assert by_path["ст. 7 ч. 1 абз. 4"].lead_in == "От сбора освобождаются:"
    assert by_path["ст. 7 ч. 1 абз. 5"].text == "Сбор зачисляется в местный бюджет."
    assert by_path["ст. 7 ч. 1 абз. 5"].lead_in == ""

def test_parse_json_cli():
    result = CliRunner().invoke(main, ["parse", str(DOCX / "constitution-2021.ky.docx"), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["language"] == "ky"
    section = out["tree"][0]
    assert set(section) >= {"kind", "number", "heading", "children"}
    article = section["children"][0]["children"][0]
    assert (article["kind"], article["number"]) == ("article", "1")
    assert article["children"][0]["kind"] == "part"
    assert out["clauses"][0]["path"] == "ст. 1 ч. 1"


def test_section_title_broken_over_lines_is_heading_not_clauses():
    """The road-traffic law's extracted text breaks section titles over several upper-case lines: they belong to
    the section's heading; no clause is a piece of a title."""
    st = parse_document(read_document(SAMPLES / "kg-codes-extracted-text" / "law-road-traffic.ru.txt"))
    sections = [n for n in st.tree if n.kind == "section"]
    assert sections[4].heading == ("ОТВЕТСТВЕННОСТЬ ЗА НАРУШЕНИЕ ЗАКОНОДАТЕЛЬСТВА КЫРГЫЗСКОЙ РЕСПУБЛИКИ "
                                   "О БЕЗОПАСНОСТИ ДОРОЖНОГО ДВИЖЕНИЯ")
    assert not [c.path for c in st.clauses if c.text.isupper()]


def test_inserted_articles_lost_superscripts_restored():
    """«Статья 16¹» extracted from a print reads «Статья 161»: a run of such numbers closed by the next article
    is renumbered as the official editions write it; a real jump in numbering is left alone."""
    st = parse_text("Статья 16. А\nТекст.\nСтатья 161. Б\nТекст.\nСтатья 162. В\nТекст.\nСтатья 17. Г\nТекст.\n"
                    "Статья 18. Д\nТекст.\nСтатья 25. Е\nТекст.\nСтатья 26. Ж\nТекст.")
    assert [a.number for a in st.articles] == ["16", "16-1", "16-2", "17", "18", "25", "26"]
    assert "ст. 16-1" in {c.path for c in st.clauses}
    water = parse_document(read_document(SAMPLES / "kg-codes-extracted-text" / "water-code-2005-8.ru.txt"))
    numbers = [a.number for a in water.articles]
    assert numbers[numbers.index("16"):numbers.index("16") + 3] == ["16", "16-1", "17"]


@pytest.mark.parametrize("text, clauses", [
    # made up: short articles written on their heading's line
    ("Статья 7. Уполномоченный орган вправе аннулировать лицензию.\n",
     [("ст. 7", "", "Уполномоченный орган вправе аннулировать лицензию.")]),
    ("Статья 10. Вступление в силу. Настоящий Закон вступает в силу со дня официального опубликования.\n",
     [("ст. 10", "Вступление в силу", "Настоящий Закон вступает в силу со дня официального опубликования.")]),
    ("7-берене. Ыйгарым укуктуу орган лицензияны жокко чыгарууга укуктуу.\n",
     [("ст. 7", "", "Ыйгарым укуктуу орган лицензияны жокко чыгарууга укуктуу.")]),
    # a heading with its body below, a repealed article and a heading glued to its sentence (PDF) stay as they were
    ("Статья 3. Права заявителя.\n1. Заявитель вправе обжаловать решение.\n",
     [("ст. 3 ч. 1", "Права заявителя.", "1. Заявитель вправе обжаловать решение.")]),
    ("Статья 9. Утратила силу.\n", []),
    ("Статья 27. Неделимые вещи Неделимой признается вещь, если ее части утрачивают назначение.\n", []),
])
def test_article_written_on_one_line_has_its_norm_as_a_clause(text, clauses):
    st = parse_text("ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленных лицензиях (made up)\n" + text)
    full = "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\nО вымышленных лицензиях (made up)\n" + text
    assert [(c.path, c.article_heading, c.text) for c in st.clauses] == clauses
    assert all(full[c.start:c.end] == c.text for c in st.clauses)
