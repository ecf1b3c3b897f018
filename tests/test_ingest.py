"""Ingestion: readers, normalisation, language detection and bad input (real files from ../shared)."""
import json

import pytest

from pipeline.document import TarazaError
from pipeline.ingest import detect_language, normalize, read_bytes, read_document
from tests.conftest import DOCX, SAMPLES

HTML = SAMPLES / "cbd-minjust-api-edition-html"


def test_normalize_spaces_soft_hyphens_yo_and_emblem():
    text, banners = normalize([
        "Описание: C:\\Users\\CBD\\AppData\\Local\\Temp\\CdbDocEditor\\x\\image001.jpg",
        "Работо\u00ad" "датель\u00a0обязан  соблюдать   всё.",
    ])
    assert text == "Работодатель обязан соблюдать все."
    assert banners == []


def test_banners_are_metadata_not_text():
    text, banners = normalize([
        "Көңүл буруңуздар! КР 2025-жылдын 4-июнундагы № 111 Мыйзамы менен киргизилген өзгөртүүлөр,",
        "2026-жылдын 1-январынан тартып күчүнө кирет",
        "",
        "КЫРГЫЗ РЕСПУБЛИКАСЫНЫН КОДЕКСИ",
        "1-берене. Негизги түшүнүктөр",
    ])
    assert banners == ["Көңүл буруңуздар! КР 2025-жылдын 4-июнундагы № 111 Мыйзамы менен киргизилген өзгөртүүлөр, "
                       "2026-жылдын 1-январынан тартып күчүнө кирет"]
    assert "Көңүл" not in text and text.startswith("КЫРГЫЗ")


def test_banner_in_the_middle_does_not_swallow_the_next_article():
    # the real Kyrgyz Labour Code has «Көңүл бургула! ...» right before article 243
    doc = read_document(DOCX / "labour-code-2025-23.ky.docx")
    assert any(b.startswith("Көңүл бургула!") for b in doc.banners)
    assert "\n243-берене. Жекече эмгек талаш-тартыштарын кароо боюнча органдарга кайрылуунун мөөнөттөрү\n" in doc.text


def test_language_of_real_parallel_docx():
    assert read_document(DOCX / "constitution-2021.ru.docx").language == "ru"
    assert read_document(DOCX / "constitution-2021.ky.docx").language == "ky"
    assert detect_language("Hello world, this is English text only.") is None


def test_docx_header_gives_display_title():
    doc = read_document(DOCX / "criminal-code-2021-127.ru.docx")
    assert doc.title == 'Кодекс КР от 28 октября 2021 года № 127 "Уголовный кодекс Кыргызской Республики"'


def test_api_html_inside_utf8_json_declaring_windows_1251():
    html = (HTML / "ru" / "article_title_same_line.html").read_text(encoding="utf-8")
    assert "windows-1251" in html
    payload = json.dumps({"id": 55401, "nameRus": "23.01.2025", "contentRu": html, "contentKg": None}, ensure_ascii=False)
    doc = read_bytes(payload.encode("utf-8"), "GetEdition-55401-ru.json")
    assert doc.format == "html" and doc.language == "ru"
    assert "Статья 1. Основные понятия, используемые в настоящем Кодексе" in doc.text.split("\n")


def test_kyrgyz_numeric_entities_and_superscripts():
    html = "<html><body><p class=MsoNormal>1-берене. Кызматкердин м&#1257;&#1257;н&#1257;т&#1199;</p>" \
           "<p><b>Статья 21</b><b><sup>1</sup></b><b>. Рецидив</b></p></body></html>"
    doc = read_bytes(html.encode(), "x.ky.html")
    assert "1-берене. Кызматкердин мөөнөтү" in doc.text
    assert "Статья 21-1. Рецидив" in doc.text


def test_windows_1251_text_and_mojibake():
    text = "Статья 1. Общие положения\n1. Уполномоченный орган вправе отказать в выдаче разрешения."
    assert read_bytes(text.encode("cp1251"), "draft.txt").text == text
    mojibake = text.encode("utf-8").decode("latin-1").encode("utf-8")
    assert read_bytes(mojibake, "draft.txt").text == text


@pytest.mark.slow
@pytest.mark.parametrize("name,pages,first_article", [
    ("law-2025-11-14-257-mediation-amendments.ru.pdf", 4, "1"),
    ("civil-code-part1-1996-15.ru.2018.pdf", 173, "1"),
])
def test_real_pdfs_ingest(name, pages, first_article):
    from pipeline.structure import parse_document

    doc = read_document(SAMPLES / "cbd-minjust-pdf" / name)
    assert doc.format == "pdf" and doc.language == "ru"
    st = parse_document(doc)
    assert st.articles and st.articles[0].number == first_article


def test_pdf_page_furniture_dropped_and_last_article_kept():
    """A CBD print repeats the act's title at the top and the site's address at the bottom of every page: they
    are dropped (the title becomes the document's title); the final article, with «вступает в силу», is text."""
    from pipeline.structure import parse_document

    doc = read_document(SAMPLES / "cbd-minjust-pdf" / "law-2025-11-14-257-mediation-amendments.ru.pdf")
    assert "cbd.minjust.gov.kg" not in doc.text
    assert doc.title.startswith("Закон КР от 14 ноября 2025 года № 257") and doc.title not in doc.text
    st = parse_document(doc)
    assert st.articles[-1].number == "8"
    assert any(c.text.startswith("Настоящий Закон вступает в силу") for c in st.clauses)
    assert doc.signature.startswith("Опубликован") and "Жапаров" in doc.signature
    assert not any("Президент" in c.text for c in st.clauses)


@pytest.mark.parametrize("name", ["labour-code-2025-23.ru.docx", "labour-code-2025-23.ky.docx",
                                  "family-code-2003-201.ru.docx"])
def test_signature_block_is_metadata_not_clauses(name):
    from pipeline.structure import parse_document

    doc = read_document(DOCX / name)
    assert "Президент" in doc.signature
    last = parse_document(doc).clauses[-1].text
    assert "Президент" not in last and "|" not in last


def test_signature_only_at_the_end():
    """A President mentioned inside an act is text; only a closing block of signature lines is cut."""
    body = ["Статья 1. Полномочия", "1. Президент Кыргызской Республики подписывает законы.",
            "Статья 2. Вступление в силу", "Настоящий Закон вступает в силу со дня опубликования."]
    doc = read_bytes("\n".join(body + ["Президент Кыргызской Республики | А. Асанов"]).encode(), "made-up-law.txt")
    assert doc.text == "\n".join(body) and doc.signature == "Президент Кыргызской Республики | А. Асанов"
    assert read_bytes("\n".join(body).encode(), "made-up-law.txt").signature == ""


@pytest.mark.parametrize("data,name,reason", [
    (b"", "empty.docx", "empty file"),
    (b"PK\x03\x04 this is not really a zip", "broken.docx", "not a valid DOCX"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "locked.docx", "password-protected"),
    (b"\x00\x01\x02\x03" * 100, "blob.bin", "binary"),
    (b"This is an English note, not a Kyrgyz act at all.", "note.txt", "neither Russian nor Kyrgyz"),
])
def test_bad_input_is_named_with_its_reason(data, name, reason):
    with pytest.raises(TarazaError) as err:
        read_bytes(data, name)
    assert err.value.path == name and reason in err.value.reason


def blank_pdf() -> bytes:
    """A valid one-page PDF with no text layer (what a scanner produces, minus the image)."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << >> >>",
            b"<< /Length 0 >>\nstream\n\nendstream"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def test_pdf_without_text_layer_is_reported():
    with pytest.raises(TarazaError) as err:
        read_bytes(blank_pdf(), "scan.pdf")
    assert "no text layer" in err.value.reason


def test_blank_pdf_is_not_called_a_scan_and_a_stub_is_not_called_empty():
    with pytest.raises(TarazaError) as err:
        read_bytes(blank_pdf(), "made-up-blank.pdf")
    assert "no text layer" in err.value.reason and "images" in err.value.reason
    assert "a scan" not in err.value.reason and "pages of images" not in err.value.reason
    with pytest.raises(TarazaError) as err:
        read_bytes("Статья 1.\n".encode(), "made-up-stub.ru.txt")
    assert "no text found" not in err.value.reason and "«Статья 1.»" in err.value.reason


@pytest.mark.parametrize("data, name", [
    # a PNG signature and header whose bytes happen to hold «<p»; a JSON-lines file
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<p" + b"\x00" * 64, "made-up-scan.png"),
    ('{"id": "a", "text": "Статья 1. Орган вправе отказать.", "lang": "ru"}\n'.encode(), "made-up-clauses.jsonl"),
])
def test_unsupported_file_types_are_named_as_such(data, name):
    with pytest.raises(TarazaError) as err:
        read_bytes(data, name)
    assert "unsupported file type ." + name.rsplit(".", 1)[1] in err.value.reason
