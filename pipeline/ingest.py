"""Ingestion of local files: DOCX, PDF, HTML (incl. the Ministry of Justice API's Word HTML) and plain text.

``read_document(path)`` / ``read_bytes(data, name)`` turn a file into a :class:`Document` with normalised
text (one paragraph per line) and a detected language. Bad input raises :class:`TarazaError` naming the
file and the problem; callers that process batches report it and go on.
"""
from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile
from pathlib import Path

from .document import Document, TarazaError

SUPPORTED = {".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html", ".json": "html", ".txt": "txt", ".md": "txt"}

# ---------------------------------------------------------------------------------------------------------
# Normalisation

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f\u2009\u200a\u3000]+")
_INVISIBLE = re.compile(r"[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# Word exports leak the state emblem's alt text into the text: «Описание: C:\Users\CBD\...\image001.jpg».
_EMBLEM = re.compile(r"(Описание|Сүрөттөмө|Description)\s*:\s*\S*?\.(jpe?g|png|gif|bmp|emf|wmf)", re.I)
_BANNER_START = re.compile(r"^\s*(Внимание\s*!|Көңүл\s+буруңуздар\s*!|Көңүл\s+бургула\s*!)", re.I)
_BANNER_BODY = re.compile(r"(вступа\w*\s+в\s+силу|күчүнө\s+кир)", re.I)


def normalize_line(line: str) -> str:
    line = _INVISIBLE.sub("", line)
    line = _EMBLEM.sub("", line)
    line = line.replace("ё", "е").replace("Ё", "Е")
    line = line.replace("\u2011", "-")
    return _SPACES.sub(" ", line).strip()


def normalize(paragraphs: list[str]) -> tuple[str, list[str]]:
    """Normalise raw paragraphs into text (one paragraph per line) and the list of banners.

    Banners («Внимание! Изменения ... вступают в силу ...» / «Көңүл буруңуздар! ...») are metadata, not
    clauses: the block that starts with the marker runs to the next empty paragraph; before the act's own
    heading, a block announcing that changes enter into force is a banner too.
    """
    lines: list[str] = []
    banners: list[str] = []
    block: list[str] | None = None
    seen_body = False
    raw = [normalize_line(p) for p in paragraphs]
    i = 0
    while i < len(raw):
        line = raw[i]
        if block is not None:
            if not line or _looks_like_heading(line) or _starts_unit(line) or len(block) >= 6:
                banners.append(" ".join(block))
                block = None
                if not line:
                    i += 1
                    continue
            else:
                block.append(line)
                i += 1
                continue
        if _BANNER_START.match(line):
            block = [line]
        elif line and not seen_body and _BANNER_BODY.search(line) and not _looks_like_heading(line) and not _starts_unit(line):
            # an unmarked entry-into-force note above the title: take the whole block up to a blank line
            blk = [line]
            j = i + 1
            while j < len(raw) and raw[j] and not _looks_like_heading(raw[j]) and not _starts_unit(raw[j]):
                blk.append(raw[j])
                j += 1
            # lines of this note just above it (already in `lines`, since the block has no marker) move too
            while lines and lines[-1] and not _looks_like_heading(lines[-1]) and len(lines[-1]) < 80:
                blk.insert(0, lines.pop())
            banners.append(" ".join(blk))
            i = j
            continue
        elif line:
            # the act's body has begun at its heading, or at its first article or numbered part (a PDF print
            # has no upper-case heading): a later «вступает в силу» is then the act's own text, not a banner
            if _looks_like_heading(line) or _starts_unit(line):
                seen_body = True
            lines.append(line)
        i += 1
    if block:
        banners.append(" ".join(block))
    return "\n".join(lines), banners


# The signature block that closes an act: who signed it, where it was published, when parliament passed it.
# It is the act's metadata, not a clause («Президент Кыргызской Республики | С.Н. Жапаров» was a clause of the
# last article before).
_SIGNATURE_HEAD = re.compile(
    r"^(Президент(\s+Кыргызской\s+Республики)?|Кыргыз\s+Республикасынын\s+Президенти)"
    r"\s*(\||$|[А-ЯЁ]\.\s?([А-ЯЁ]\.\s?)?[А-ЯЁ][а-яё]+$)"
    r"|^Опубликован\w*\s+в\s+официальн\w+.*Президент\s+Кыргызской\s+Республики", re.I)
_SIGNATURE_LINE = re.compile(
    r"^Опубликован\w*\s+в\s+официальн|жарыяланды\.?\s*$|^Принят\w*\s+Жогорку\s+Кенеш|Жогорку\s+Кеңеши"
    r"\s+(тарабынан\s+)?кабыл\s+ал|^[|\s]+$|^Кыргызской\s+Республики$|^[А-ЯЁ]\.\s?([А-ЯЁ]\.\s?)?[А-ЯЁ][а-яё]+$", re.I)


def split_signature(lines: list[str]) -> tuple[list[str], str]:
    """Cut the closing signature block off an act's lines: the last President line and everything after it,
    with a publication note just before it, when every line from there on is signature matter."""
    heads = [i for i, line in enumerate(lines) if _SIGNATURE_HEAD.search(line)]
    if not heads or heads[-1] == 0:
        return lines, ""
    i = heads[-1]
    if not all(_SIGNATURE_HEAD.search(x) or _SIGNATURE_LINE.search(x) for x in lines[i + 1:]):
        return lines, ""
    while i > 1 and _SIGNATURE_LINE.search(lines[i - 1]) and not _SIGNATURE_HEAD.search(lines[i - 1]):
        i -= 1
    return lines[:i], " ".join(x for x in lines[i:] if x.strip(" |"))


def _starts_unit(line: str) -> bool:
    """A banner never runs into an article, chapter or numbered part: those start the text again."""
    from .structure import PART, POINT, match_structure

    return bool(match_structure(line) or PART.match(line) or POINT.match(line))


def _looks_like_heading(line: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return len(letters) >= 6 and sum(c.isupper() for c in letters) / len(letters) > 0.8


# ---------------------------------------------------------------------------------------------------------
# Language

_KY_LETTERS = set("ңөүҢӨҮ")
_KY_WORDS = re.compile(r"\b(жана|менен|боюнча|ушул|болуп|тарабынан|берене|мыйзам\w*|кылуу|жөнүндө)\b", re.I)
_RU_WORDS = re.compile(r"\b(и|в|на|по|не|или|для|статья|закон\w*|который|которые|настоящего)\b", re.I)


def detect_language(text: str) -> str | None:
    """'ky', 'ru' or None. Kyrgyz is told by its own letters (ң ө ү) and function words, not by a model."""
    sample = text[:200_000]
    cyr = sum(1 for c in sample if "\u0400" <= c <= "\u04ff")
    if cyr < 20:
        return None
    ky_letters = sum(1 for c in sample if c in _KY_LETTERS)
    ky_words = len(_KY_WORDS.findall(sample))
    ru_words = len(_RU_WORDS.findall(sample))
    if ky_letters / cyr > 0.004 or ky_words > ru_words:
        return "ky"
    return "ru"


# ---------------------------------------------------------------------------------------------------------
# Readers: each returns a list of raw paragraphs


def decode_text(data: bytes, path: str) -> str:
    """Decode bytes that claim nothing reliable about their encoding (UTF-8, UTF-16, windows-1251)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        declared = re.search(rb"charset\s*=\s*[\"']?([\w-]+)", data[:4096])
        enc = declared.group(1).decode("ascii", "ignore").lower() if declared else "cp1251"
        if enc in ("unicode", "utf-8", "utf8"):
            enc = "cp1251"  # it was not UTF-8 after all; Word's Cyrillic pages are windows-1251
        try:
            text = data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            text = data.decode("cp1251", errors="replace")
    return fix_mojibake(text)


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as latin-1/cp1252 («Ð¡Ñ‚Ð°Ñ‚ÑŒÑ» → «Статья»)."""
    if text.count("Ð") + text.count("Ñ") > 20 and sum("\u0400" <= c <= "\u04ff" for c in text[:5000]) < 50:
        for enc in ("latin-1", "cp1252"):
            try:
                return text.encode(enc).decode("utf-8")
            except (UnicodeEncodeError, UnicodeDecodeError):
                continue
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def read_docx(data: bytes, path: str) -> tuple[list[str], dict]:
    """Paragraphs of a DOCX in body order (table rows as «cell | cell»), read straight from its XML.

    Superscript digits after a digit become «-N» («Статья 21<sup>1</sup>» → «Статья 21-1»), the way inserted
    articles are cited. Word's automatic list numbers are written in front of their paragraphs (see
    :func:`docx_blocks`). The page header of a CBD file holds the act's display title; it goes into the
    metadata (a draft's running head does not). Headers and footers are never body text.
    """
    from lxml import etree

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            raise TarazaError(path, "DOCX is password-protected or an old binary .doc (OLE container), not a Word 2007+ file")
        raise TarazaError(path, "not a valid DOCX (the file is not a ZIP archive; broken or truncated download?)")
    names = set(zf.namelist())
    if "word/document.xml" not in names:
        if "EncryptionInfo" in names or "EncryptedPackage" in names:
            raise TarazaError(path, "DOCX is password-protected")
        raise TarazaError(path, "not a valid DOCX (word/document.xml is missing)")
    try:
        root = etree.fromstring(zf.read("word/document.xml"))
    except (etree.XMLSyntaxError, zipfile.BadZipFile, OSError) as exc:
        raise TarazaError(path, f"broken DOCX: {exc}")
    from .docx_numbering import read_numbering

    try:
        numbering = read_numbering(zf)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TarazaError(path, f"broken DOCX: {exc}")
    paragraphs = [text for _, text in docx_blocks(root.find(f"{_W}body"), numbering)]
    meta = {}
    header_texts = []
    for name in sorted(n for n in names if re.match(r"word/header\d*\.xml", n)):
        try:
            h = etree.fromstring(zf.read(name))
        except etree.XMLSyntaxError:
            continue
        t = " ".join(_docx_par_text(p) for p in h.iter(f"{_W}p")).strip()
        if t and t not in header_texts:
            header_texts.append(t)
    if header_texts:
        header = normalize_line(max(header_texts, key=len))
        # CBD files carry the act's catalogue name as their page header («Кодекс КР от … № … "…"»); a draft's
        # header is page furniture («ПРОЕКТ. Министерство …»), never its title
        if _names_an_act(header):
            meta["display_title"] = header
    return paragraphs, meta


_DRAFT_MARK = re.compile(r"\b(проект\w*|долбоор\w*)\b", re.I)


def _names_an_act(header: str) -> bool:
    """A page header that names an act (its kind: «Кодекс», «Закон», «Мыйзамы», «Постановление» …) and is not
    a draft's running head."""
    from .structure import ACT_TYPES

    low = header.lower()
    return not _DRAFT_MARK.search(low) and any(re.search(rx, low) for _, rx in ACT_TYPES)


# A paragraph that already starts with its number: Word's list number is not added again
_TYPED_NUMBER = re.compile(r"^\s*(\d+(?:[.-]\d+)*[.)]|[а-яөүңa-z]\))(\s|$)", re.I)


def docx_blocks(body, numbering=None):
    """(element, raw text) of every body paragraph and every table row («cell | cell»), in document order.

    A paragraph numbered by Word (List Number, multilevel lists) gets the number Word draws before it
    («1.», «2)»), unless its text already starts with a number; so does a paragraph in a table cell (a plan's
    or report form's «№» column is often Word's numbering, its cell text empty). Counters advance in document
    order through both. ``check --format docx`` anchors its comments through this same reading, so it finds the
    same text."""
    for el in body if body is not None else []:
        if el.tag == f"{_W}p":
            yield el, numbered_text(el, numbering, nest=True)
        else:
            # every paragraph of the table once, in document order (the counters), before its rows are read
            cells = {p: numbered_text(p, numbering, bare=True) for p in el.iter(f"{_W}p")}
            if el.tag == f"{_W}tbl":
                for row in el.iter(f"{_W}tr"):
                    yield row, " | ".join(docx_cell_paragraphs(tc, cells) for tc in row.iter(f"{_W}tc"))


def numbered_text(p, numbering=None, nest: bool = False, bare: bool = False) -> str:
    """A paragraph's text with the number Word draws before it, unless the text already starts with one; with
    ``bare`` (table cells), an empty numbered paragraph is its number alone."""
    text = _docx_par_text(p)
    label = numbering.label(p, nest=nest) if numbering is not None else None
    if label and text.strip() and not _TYPED_NUMBER.match(text):
        return f"{label} {text.lstrip()}"
    if bare and label and not text.strip():
        return label  # an auto-numbered «№» cell: the number is its whole text
    return text


def docx_cell_paragraphs(tc, texts: dict) -> str:
    """A table cell's text: its paragraphs (as ``texts`` read them) joined by spaces."""
    return " ".join(texts[p] for p in tc.iter(f"{_W}p")).strip()


def _docx_par_text(p) -> str:
    out: list[str] = []
    for r in p.iter(f"{_W}r"):
        rpr = r.find(f"{_W}rPr")
        sup = False
        if rpr is not None:
            va = rpr.find(f"{_W}vertAlign")
            sup = va is not None and va.get(f"{_W}val") == "superscript"
        for child in r:
            if child.tag == f"{_W}t":
                t = child.text or ""
                if sup and t.strip().rstrip(".").isdigit() and out and out[-1][-1:].isdigit():
                    t = "-" + t.strip()
                out.append(t)
            elif child.tag in (f"{_W}br", f"{_W}cr", f"{_W}tab"):
                out.append(" ")
    return "".join(out)


def read_pdf(data: bytes, path: str) -> tuple[list[str], dict]:
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    if not data.lstrip().startswith(b"%PDF"):
        raise TarazaError(path, "not a PDF (no %PDF signature)")
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
            if pages and sum(len(p.strip()) for p in pages) < 20 * len(pages):
                # a scan has its pages as images; a PDF with neither text nor images is not a scan
                images = sum(1 for page in pdf.pages if page.images)
                n = f"{len(pages)} page{'s' if len(pages) > 1 else ''}"
                raise TarazaError(path, f"PDF has no text layer ({images} of {n} are images: a scan?); run OCR first"
                                  if images else f"PDF has no text layer and no images ({n}, blank?)")
    except (PDFSyntaxError, Exception) as exc:  # pdfminer raises many kinds of errors on broken files
        if isinstance(exc, TarazaError):
            raise
        raise TarazaError(path, f"broken PDF: {exc.__class__.__name__}: {exc}")
    if not pages:
        raise TarazaError(path, "PDF has no pages")
    pages, header = _drop_page_furniture(pages)
    meta = {"pages": len(pages)}
    if header:
        meta["display_title"] = header
    return _join_pdf_lines(pages), meta


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip())


def _drop_page_furniture(pages: list[str], top: int = 3, bottom: int = 2) -> tuple[list[str], str]:
    """Remove running headers and footers: lines that stand among the first `top` or last `bottom` lines of at
    least half of the pages (two at least), digits aside («Страница 3 из 9»). A CBD print carries the act's
    title as its header and the site's address as its footer; left in, they glue onto the clauses that a page
    break cuts. Returns the pages and the header (the first page's furniture above its text, e.g. the title)."""
    if len(pages) < 2:
        return pages, ""
    split = [[l for l in p.splitlines() if l.strip()] for p in pages]
    edge_count: dict[str, int] = {}
    for lines in split:
        for key in {_furniture_key(l) for l in lines[:top] + lines[-bottom:]}:
            edge_count[key] = edge_count.get(key, 0) + 1
    furniture = {k for k, n in edge_count.items() if n >= max(2, (len(pages) + 1) // 2)}
    if not furniture:
        return pages, ""
    out = []
    for lines in split:
        keep = list(lines)
        # only at the edges: the same words inside the text stay
        while keep[:1] and _furniture_key(keep[0]) in furniture:
            keep.pop(0)
        while keep[-1:] and _furniture_key(keep[-1]) in furniture:
            keep.pop()
        out.append("\n".join(keep))
    first = split[0]
    head = []
    for l in first:
        if _furniture_key(l) not in furniture:
            break
        head.append(l.strip())
    header = " ".join(h for h in head if not re.fullmatch(r"\S+\.\w{2,4}(/\S*)?", h))
    return out, header


_PARA_START = re.compile(
    r"^(Статья\s+\d|Глава\s+\d|ГЛАВА|РАЗДЕЛ|Раздел\s|\d+-(берене|статья|глава|бөлүм)|[IVXLC]+\s+БӨЛҮМ|"
    r"\d+(-\d+)*\.\s|\d+(-\d+)*\)\s|[а-я]\)\s|[-–—•]\s|\()"
)


def _join_pdf_lines(pages: list[str]) -> list[str]:
    """Rejoin the visual lines of a text PDF into paragraphs (page numbers dropped)."""
    paragraphs: list[str] = []
    cur = ""
    for page in pages:
        for line in page.splitlines():
            s = line.strip()
            if not s or re.fullmatch(r"[-–—]?\s*\d{1,4}\s*[-–—]?", s):
                continue
            starts = bool(_PARA_START.match(s)) or (s[:1].isupper() and cur.endswith((".", ":", ";")))
            if cur and (starts or cur.endswith((":", ";"))):
                paragraphs.append(cur)
                cur = s
            elif cur.endswith("-") and s[:1].islower():
                cur = cur + s
            else:
                cur = f"{cur} {s}" if cur else s
    if cur:
        paragraphs.append(cur)
    return paragraphs


_BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "div", "td", "th", "blockquote", "pre", "dd", "dt", "title"}


def read_html(data: bytes, path: str) -> tuple[list[str], dict]:
    """Paragraphs of an HTML page, including the CBD API's Word «filtered HTML».

    The API returns JSON whose ``contentRu`` holds HTML that declares windows-1251 although the JSON is
    UTF-8 (and Kyrgyz text arrives in ``contentRu`` too): the declaration is dropped and the string parsed
    as text, never re-decoded as bytes.
    """
    from bs4 import BeautifulSoup

    text = decode_text(data, path)
    meta: dict = {}
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except json.JSONDecodeError as exc:
            raise TarazaError(path, f"JSON is broken: {exc}")
        html = obj.get("contentRu") or obj.get("contentKg") or obj.get("content")
        if not html:
            raise TarazaError(path, "JSON has no contentRu/contentKg field with the act's text")
        meta.update({k: obj[k] for k in ("id", "nameRus", "nameKyr") if k in obj})
        text = html
    elif not re.search(r"<\s*(html|body|div|p|table|span|br|h\d)\b", text[:20000], re.I):
        raise TarazaError(path, "not HTML (no HTML tags found)")
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.I)
    soup = BeautifulSoup(text, "lxml")
    for bad in soup(["script", "style", "noscript", "head"]):
        if bad.name == "head":
            title = bad.find("title")
            if title and title.get_text(strip=True):
                meta["html_title"] = title.get_text(" ", strip=True)
        bad.decompose()
    for sup in soup.find_all("sup"):
        t = sup.get_text().strip().rstrip(".")
        prev_text = sup.find_previous(string=True) or ""
        if t.isdigit() and prev_text.rstrip()[-1:].isdigit() and prev_text == prev_text.rstrip():
            sup.replace_with("-" + t + ("." if sup.get_text().strip().endswith(".") else ""))
    for img in soup.find_all("img"):
        img.decompose()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    paragraphs: list[str] = []
    body = soup.body or soup
    for el in body.find_all(True):
        if el.name not in _BLOCKS:
            continue
        if el.name == "tr":
            cells = [c.get_text(" ", strip=True) for c in el.find_all(["td", "th"], recursive=False)]
            paragraphs.append(" | ".join(cells))
            continue
        if el.find_parent("tr") is not None:
            continue
        if any(child.name in _BLOCKS for child in el.find_all(True)):
            # a container: its own loose text (outside child blocks) still counts
            loose = "".join(s for s in el.find_all(string=True, recursive=False)).strip()
            if loose:
                paragraphs.append(loose)
            continue
        paragraphs.extend(el.get_text("").split("\n"))
    if not paragraphs:
        paragraphs = body.get_text("\n").split("\n")
    return paragraphs, meta


def read_txt(data: bytes, path: str) -> tuple[list[str], dict]:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TarazaError(path, "binary file, not text")
    return decode_text(data, path).splitlines(), {}


READERS = {"docx": read_docx, "pdf": read_pdf, "html": read_html, "txt": read_txt}


def sniff_format(data: bytes, name: str) -> str:
    ext = Path(name).suffix.lower()
    if ext in SUPPORTED:
        return SUPPORTED[ext]
    if data.startswith(b"PK"):
        return "docx"
    if data.lstrip().startswith(b"%PDF"):
        return "pdf"
    # binary first: «<p» turns up by chance inside an image
    if b"\x00" in data[:4096]:
        raise TarazaError(name, f"unsupported file type {ext or '(no extension)'}: binary content")
    head = data[:2048].lower()
    if b"<html" in head or b"<div" in head or b"<p" in head:
        return "html"
    if ext[1:].isalpha():
        # «.jsonl», «.csv», «.xml»: text, but not an act; say so rather than fail later on its structure
        raise TarazaError(name, f"unsupported file type {ext} (Taraza reads {', '.join(sorted(set(SUPPORTED)))})")
    return "txt"


def language_hint(name: str) -> str | None:
    m = re.search(r"[._-](ru|ky|kg)(?:[._-]|$)", Path(name).name.lower())
    if not m:
        return None
    return "ky" if m.group(1) in ("ky", "kg") else "ru"


def act_key_for(name: str) -> str:
    """Identity of the act across versions and languages: the file stem without its language tag."""
    stem = Path(name).name
    stem = re.sub(r"\.(docx|pdf|html?|json|txt|md)$", "", stem, flags=re.I)
    stem = re.sub(r"[._-](ru|ky|kg)(?=([._-]|$))", "", stem, count=1, flags=re.I)
    return stem


def read_bytes(data: bytes, name: str, *, source: str = "local", url: str = "", kind: str = "act",
               language: str | None = None, made_up: bool = False) -> Document:
    """Bytes of one file → Document. Raises TarazaError (with the file name) for anything unusable."""
    if not data or not data.strip():
        raise TarazaError(name, "empty file")
    fmt = sniff_format(data, name)
    paragraphs, meta = READERS[fmt](data, name)
    text, banners = normalize(paragraphs)
    body, signature = split_signature(text.split("\n"))
    text = "\n".join(body)
    if not text.strip():
        raise TarazaError(name, f"no text found in the {fmt.upper()} file")
    if len(text) < 10:
        raise TarazaError(name, f"too little text in the {fmt.upper()} file to be an act: «{text.strip()}»")
    lang = language or detect_language(text)
    if lang is None:
        raise TarazaError(name, "text is in neither Russian nor Kyrgyz (too few Cyrillic letters)")
    doc = Document(
        path=str(name), sha256=hashlib.sha256(data).hexdigest(), format=fmt, text=text, language=lang,
        source=source, url=url, kind=kind, banners=banners, made_up=made_up, act_key=act_key_for(name),
        signature=signature,
    )
    doc.title = meta.get("display_title") or meta.get("nameRus") or meta.get("html_title") or ""
    return doc


def read_document(path: str | Path, **kw) -> Document:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TarazaError(path, f"cannot read: {exc.strerror or exc}")
    return read_bytes(data, str(path), **kw)


def iter_input_files(paths) -> list[Path]:
    """Files named, and files found (recursively, sorted) in folders named; hidden files skipped."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(f for f in p.rglob("*") if f.is_file() and not any(part.startswith(".") for part in f.relative_to(p).parts)
                              and f.name.lower() != "readme.md"))
        else:
            out.append(p)
    return out
