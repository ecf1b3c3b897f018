"""Anti-corruption action plans: tables of sections, tasks, measures, deadlines, agencies and indicators.

Entry points: :func:`parse_plan` (file → :class:`Plan`) and :func:`store_plan` (Plan → corpus DB, one
transaction). The data classes below are the contract other stages (the matcher, monitoring) read.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from rules import load_yaml

from .document import AsDict, TarazaError
from .ingest import normalize_line


@dataclass
class Deadline(AsDict):
    """A deadline cell normalised; ``end`` (``YYYY-MM``) is the due date monitoring compares with."""

    raw: str
    kind: str = "unknown"  # month | half_year | quarter | year | range | continuous | by_calendar | unknown
    start: str | None = None  # "YYYY-MM"
    end: str | None = None  # "YYYY-MM"
    recurring: str | None = None  # None | "quarterly" | "semiannual" | "annual"


@dataclass
class AgencyRef(AsDict):
    """One entry of a measure's «responsible executors» cell."""

    abbr: str  # as written in the plan, flag removed («ЮМ», «Башкы прокуратура»)
    name: str | None  # full name from the plan's abbreviation list or the registry
    agency_id: str | None  # id in rules/agencies.yml, when the body is known there
    by_agreement: bool = False  # «(макулдашуу боюнча)» / «(по согласованию)»
    resolved: bool = False
    via: str | None = None  # "plan" (the plan's own list) | "registry" (rules/agencies.yml) | None


@dataclass
class Measure:
    """One measure of a plan. ``ref`` is ``"T"`` (task without numbered measures) or ``"T.M"``."""

    ref: str
    section: str  # Roman numeral of the section, e.g. "V"
    task: int
    task_title: str
    text: str
    number: int | None = None  # M of T.M; None for a task's single unnumbered measure
    deadline: Deadline = field(default_factory=lambda: Deadline(""))
    agencies: list[AgencyRef] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # «(*) Маалымат берүү тартибинде отчет»
    # Fields taken from an earlier row of the same task because the table cell spans several rows.
    inherited: list[str] = field(default_factory=list)
    source: str = ""  # where in the input: "line 115" or "table 1 row 7"

    def to_dict(self) -> dict:
        return {
            "ref": self.ref, "section": self.section, "task": self.task, "task_title": self.task_title,
            "number": self.number, "text": self.text, "deadline": self.deadline.to_dict(),
            "agencies": [a.to_dict() for a in self.agencies], "results": list(self.results),
            "indicators": list(self.indicators), "notes": list(self.notes),
            "inherited": list(self.inherited), "source": self.source,
        }


@dataclass
class Section(AsDict):
    number: str  # Roman numeral
    title: str


@dataclass
class Task(AsDict):
    number: int
    section: str
    title: str


@dataclass
class Abbreviation(AsDict):
    """One entry of the plan's own «Кыскартуулардын тизмеси» / «Список сокращений»."""

    abbr: str
    name: str
    agency_id: str | None = None


@dataclass
class Plan:
    path: str
    sha256: str
    format: str  # txt | html | docx
    language: str  # ky | ru
    title: str = ""
    act_type: str = ""
    act_number: str = ""
    act_date: str = ""  # ISO date of the approving act
    period_start: str | None = None  # "YYYY-MM" of the plan's period
    period_end: str | None = None
    made_up: bool = False
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    # Responsible entries that resolved neither through the plan's list nor the registry: {"ref", "abbr"}.
    unresolved: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Same convention as ``Document.id`` (first 16 hex digits of the file's sha256)."""
        return self.sha256[:16]

    def measure(self, ref: str) -> Measure:
        for m in self.measures:
            if m.ref == ref:
                return m
        raise KeyError(ref)

    def to_dict(self) -> dict:
        return {
            "plan": {
                "id": self.id, "path": self.path, "sha256": self.sha256, "format": self.format,
                "language": self.language, "title": self.title, "act_type": self.act_type,
                "act_number": self.act_number, "act_date": self.act_date,
                "period_start": self.period_start, "period_end": self.period_end,
                "made_up": self.made_up,
                "n_sections": len(self.sections), "n_tasks": len(self.tasks),
                "n_measures": len(self.measures),
            },
            "sections": [s.to_dict() for s in self.sections],
            "tasks": [t.to_dict() for t in self.tasks],
            "measures": [m.to_dict() for m in self.measures],
            "abbreviations": [a.to_dict() for a in self.abbreviations],
            "unresolved": list(self.unresolved),
        }


# ---------------------------------------------------------------------------------------------------------
# Parsing. Every input layout is first turned into rows (_Row): the measures of one table row with the
# deadline, responsible and result cells they share. _build() then turns rows into measures the same way
# for flattened text, HTML and DOCX.

_MEASURE_ITEM = re.compile(r"^(\d{1,3})\)\s*(.*)$", re.S)
_SUBITEM = re.compile(r"^[-–—•]\s*\S")
_TASK_NUMBER = re.compile(r"^(\d{1,3})\.?$")
_STRAY_NUMBER = re.compile(r"^\d{1,2}\.\s+(?=\S)")  # task 34's title in the 2015 plan starts with «1.»
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
_SLASH = re.compile(r"(?<!\bи)(?<!\bжана)/(?!или\b|же\b)")


def roman_to_int(s: str) -> int:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = _ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def int_to_roman(n: int) -> str:
    out = ""
    for value, sym in ((100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + sym, n - value
    return out


@dataclass
class _Row:
    section: str
    task: int
    task_title: str
    items: list = field(default_factory=list)  # [number | None, text]
    deadline: str | None = None  # None: no cell at all (a merged cell above holds it); "": an empty cell
    agencies: str | None = None
    results: list | None = None  # paragraphs of the results(/indicators) cell
    indicators: list | None = None  # paragraphs of a separate indicators column
    combined: bool = True  # results paragraphs are «result/indicator»
    notes: list = field(default_factory=list)
    inherited: set = field(default_factory=set)  # fields copied from a cell spanning the row above
    where: str = ""


@lru_cache(maxsize=1)
def _columns() -> dict:
    data = load_yaml("plan_columns.yml")
    synonyms = sorted(((_header_key(s), f) for f, ss in data["fields"].items() for s in ss), key=lambda x: -len(x[0]))
    return {
        "synonyms": synonyms,
        "roman": re.compile(data["sections"]["roman"], re.I),
        "numbered_section": re.compile(data["sections"]["numbered"], re.I),
        "task_heading": re.compile(data["tasks"]["heading"], re.I),
        "list_headings": [_header_key(h) for h in data["abbreviation_list_headings"]],
        "removed": re.compile(data["removed_entry"], re.I),
        "note": re.compile(data["row_note"]),
    }


def _header_key(text: str) -> str:
    t = text.lower().replace("ё", "е")
    t = re.sub(r"\s*/\s*", "/", t)
    return re.sub(r"[\s:.*]+", " ", t).strip()


def header_field(text: str) -> str | None:
    """The field a table column holds, from its header cell («Срок исполнения» → "deadline")."""
    key = _header_key(text)
    if not key:
        return None
    for syn, f in _columns()["synonyms"]:
        if key == syn or (key.startswith(syn) and not key[len(syn):len(syn) + 1].isalnum()):
            return f
    return None


def _is_list_heading(text: str) -> bool:
    return _header_key(text) in _columns()["list_headings"]


def _section_heading(text: str) -> tuple[str, str] | None:
    c = _columns()
    m = c["roman"].match(text)
    if m and re.fullmatch(r"[IVXLC]+", m.group(1).upper()):
        return m.group(1).upper(), m.group(2).strip()
    m = c["numbered_section"].match(text)
    if m:
        num = m.group(1) or m.group(3)
        title = (m.group(2) if m.group(1) else m.group(4)) or ""
        return int_to_roman(int(num)), title.strip()
    return None


def _task_heading(text: str) -> tuple[str, str] | None:
    m = _columns()["task_heading"].match(text)
    if not m:
        return None
    return (m.group(1) or m.group(3)), ((m.group(2) if m.group(1) else m.group(4)) or "").strip()


def _split_items(paragraphs: list[str]) -> list[list]:
    """Paragraphs of a measure cell → [number | None, text]: «1) ...», «2) ...», «-» sub-items kept."""
    items: list[list] = []
    for p in paragraphs:
        m = _MEASURE_ITEM.match(p)
        if m:
            items.append([int(m.group(1)), m.group(2).strip()])
        elif items:
            items[-1][1] += "\n" + p
        else:
            items.append([None, p])
    return items


def _split_semicolons(text: str) -> list[str]:
    return [p.strip(" ;") for p in re.split(r";\s+", text) if p.strip(" ;")]


def split_results(paragraphs: list[str], combined: bool = True) -> tuple[list[str], list[str]]:
    """«result/indicator» paragraphs → (results, indicators): before the first «/» are expected results,
    every part after one is an indicator (the plan's column is «Күтүлүүчү натыйжалар/индикаторлор»)."""
    results, indicators = [], []
    for p in paragraphs:
        parts = _SLASH.split(p) if combined else [p]
        results += _split_semicolons(parts[0])
        for part in parts[1:]:
            indicators += _split_semicolons(part)
    return results, indicators


# ---------------------------------------------------------------------------------------------------------
# Metadata of the approving act, from the lines before the table

_ACT_TYPES = [("токтом", "токтом"), ("постановлени", "постановление"), ("распоряжени", "распоряжение"),
              ("тескеме", "тескеме"), ("жарлы", "жарлык"), ("указ", "указ")]


def _metadata(plan: Plan, preamble: list[str]) -> None:
    from .deadlines import month_number

    lines = [l for l in preamble if l]
    if not plan.title and lines:
        # the line naming the plan, else the first line
        plan.title = next((l for l in lines if re.search(r"\bплан", l, re.I)), lines[0])
    head = " ".join(lines[:12])
    low = head.lower()
    for stem, name in _ACT_TYPES:
        if stem in low:
            plan.act_type = name
            break
    m = re.search(r"(\d{4})\s*-\s*жылдын\s+(\d{1,2})\s*-\s*([а-яөүң]+)\s*№\s*([\w-]+)", head, re.I)
    if m and month_number(m.group(3)):  # «2015-жылдын 30-марты № 170»
        plan.act_date = f"{m.group(1)}-{month_number(m.group(3)):02d}-{int(m.group(2)):02d}"
        plan.act_number = m.group(4)
    m = re.search(r"от\s+(\d{1,2})\s+([а-я]+)\s+(\d{4})\s*(?:года|г\.)?\s*№\s*([\w-]+)", head, re.I)
    if m and not plan.act_date and month_number(m.group(2)):  # «от 30 марта 2015 года № 170»
        plan.act_date = f"{m.group(3)}-{month_number(m.group(2)):02d}-{int(m.group(1)):02d}"
        plan.act_number = m.group(4)
    m = re.search(r"(20\d\d)\s*[-–—]\s*(20\d\d)", plan.title) or re.search(r"(20\d\d)\s*[-–—]\s*(20\d\d)", head)
    if m:
        plan.period_start, plan.period_end = f"{m.group(1)}-01", f"{m.group(2)}-12"


def _parse_abbreviations(entries: list[tuple[str, str]], path) -> list[tuple[str, str]]:
    """Lines after «Кыскартуулардын тизмеси»: abbreviation line, then full-name line (or «ЮМ – ...» on one
    line); entries the plan removed («(43-абзац ... күчүн жоготту)») are skipped."""
    removed = _columns()["removed"]
    out: list[tuple[str, str]] = []
    pending: tuple[str, str] | None = None
    for where, line in entries:
        if not line or removed.match(line):
            continue
        if pending is None:
            one = re.match(r"^(\S[^–—-]{0,40}?)\s+[–—-]\s+(\S.+)$", line)
            if one and len(one.group(1).split()) <= 4:
                out.append((one.group(1).strip(), one.group(2).strip()))
            elif len(line) > 80:
                raise TarazaError(path, f"{where}: expected an abbreviation in the list of abbreviations, "
                                        f"found a long line «{line[:60]}…»")
            else:
                pending = (where, line)
        else:
            out.append((pending[1], line))
            pending = None
    if pending is not None:
        raise TarazaError(path, f"{pending[0]}: abbreviation «{pending[1]}» has no full name after it")
    return out


# ---------------------------------------------------------------------------------------------------------
# Flattened text: one table cell per line (blank lines between), as the 2015 seed plan is stored


def _parse_flat(text: str, path, plan: Plan, resolver_for) -> tuple[list[_Row], list[tuple[str, str]]]:
    tokens: list[tuple[int, str]] = []
    for n, raw in enumerate(text.splitlines(), 1):
        if raw == "" or raw.strip("\r\n") == "":
            continue
        tokens.append((n, normalize_line(raw)))  # a line of spaces / nbsp only is an empty cell: ""

    # the header: consecutive lines that each name a column, one of them the measure column
    start = None
    for i in range(len(tokens)):
        fields = []
        j = i
        while j < len(tokens) and tokens[j][1] and header_field(tokens[j][1]):
            fields.append(header_field(tokens[j][1]))
            j += 1
        if len(fields) >= 3 and "measure" in fields:
            start = j
            break
    if start is None:
        raise TarazaError(path, "no plan table header found: expected column names such as «Чаралар/Аракеттер», "
                                "«Ишке ашыруу мөөнөтү» / «Мероприятие», «Срок исполнения» on consecutive lines")
    header_line = tokens[start - 1][0]
    _metadata(plan, [t for _, t in tokens[:start - len(fields)]])
    while start < len(tokens) and re.fullmatch(r"\d{1,2}", tokens[start][1]):
        start += 1  # the row of column numbers «1 2 3 4 5 6»

    # abbreviations first: the resolver that tells a responsible cell from a result needs them
    end = next((k for k in range(start, len(tokens)) if _is_list_heading(tokens[k][1])), len(tokens))
    abbreviations = _parse_abbreviations([(f"line {n}", t) for n, t in tokens[end + 1:]], path)
    resolver = resolver_for(abbreviations)

    rows: list[_Row] = []
    section = None
    task: tuple[int, str] | None = None
    row: _Row | None = None
    phase = "none"  # title → items → deadline → agencies → results
    next_task, next_measure = 1, 1
    i = start
    while i < end:
        n, t = tokens[i]
        where = f"line {n}"
        sec = _section_heading(t) if t and phase in ("none", "agencies", "results", "deadline") else None
        if sec and roman_to_int(sec[0]) == len(plan.sections) + 1:
            plan.sections.append(Section(sec[0], sec[1]))
            section = sec[0]
            phase = "none"
            i += 1
            continue
        if sec and phase == "none":
            raise TarazaError(path, f"{where}: section «{sec[0]}» where section "
                                    f"«{int_to_roman(len(plan.sections) + 1)}» was expected")
        m = _TASK_NUMBER.match(t)
        if m and phase != "title":
            number = int(m.group(1))
            if number != next_task:
                raise TarazaError(path, f"{where}: task number {number} where task {next_task} was expected")
            if section is None:
                raise TarazaError(path, f"{where}: task {number} comes before any section heading («I. ...»)")
            if i + 1 >= end or not tokens[i + 1][1]:
                raise TarazaError(path, f"{where}: task {number} has no title on the next line")
            title = _STRAY_NUMBER.sub("", tokens[i + 1][1])
            task = (number, title)
            plan.tasks.append(Task(number, section, title))
            next_task, next_measure = number + 1, 1
            row, phase = None, "title"
            i += 2
            continue
        if task is None:
            raise TarazaError(path, f"{where}: «{t[:60]}» comes before the first task number "
                                    f"(the header ends at line {header_line})")
        item = _MEASURE_ITEM.match(t)
        if item:
            number = int(item.group(1))
            if number != next_measure:
                raise TarazaError(path, f"{where}: measure «{number})» in task {task[0]} where «{next_measure})» "
                                        f"was expected")
            next_measure += 1
            if row is None or phase != "items":
                row = _Row(section, task[0], task[1], where=where)
                rows.append(row)
            row.items.append([number, item.group(2).strip()])
            phase = "items"
        elif phase == "items" and _SUBITEM.match(t):
            row.items[-1][1] += "\n" + t
        elif phase == "title":
            if not t:
                raise TarazaError(path, f"{where}: task {task[0]} has an empty measure cell")
            row = _Row(section, task[0], task[1], where=where)
            rows.append(row)
            row.items.append([None, t])
            phase = "items"
        elif _columns()["note"].match(t) and phase in ("agencies", "results"):
            row.notes.append(t)
        elif phase == "items":
            ref = _ref(task[0], row.items[-1][0])
            if not t:
                row.deadline, phase = "", "deadline"
            elif len(t) < 250 and _looks_like_deadline(t):
                row.deadline, phase = t, "deadline"
            elif len(t) < 400 and resolver.share_resolved(t) >= 0.5:
                row.agencies, phase = t, "agencies"
            else:
                raise TarazaError(path, f"{where}: expected the deadline or the responsible executors of measure "
                                        f"{ref}, found «{t[:80]}»")
        elif phase == "deadline":
            row.agencies, phase = t, "agencies"
        elif phase in ("agencies", "results"):
            if t:
                row.results = (row.results or []) + [t]
            phase = "results"
        else:
            raise TarazaError(path, f"{where}: unexpected line «{t[:80]}»")
        i += 1
    if not plan.tasks:
        raise TarazaError(path, f"no tasks found after the table header at line {header_line}")
    return rows, abbreviations


def _looks_like_deadline(text: str) -> bool:
    from .deadlines import parse_deadline

    return parse_deadline(text).kind != "unknown"


def _ref(task: int, number: int | None) -> str:
    return f"{task}.{number}" if number is not None else str(task)


# ---------------------------------------------------------------------------------------------------------
# Tables (HTML, DOCX): a grid of cells; a cell spanning rows or columns repeats its origin id


@dataclass
class _Cell:
    paragraphs: list
    origin: int  # the same id for every grid position one merged cell covers

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs)


def _html_blocks(data: bytes, path) -> list:
    from bs4 import BeautifulSoup

    from .ingest import decode_text

    text = decode_text(data, str(path))
    if not re.search(r"<\s*(table|p|div|body)\b", text[:50000], re.I):
        raise TarazaError(path, "not HTML (no tags found)")
    text = re.sub(r"<meta[^>]*charset[^>]*>", "", text, flags=re.I)
    soup = BeautifulSoup(text, "lxml")
    for br in soup.find_all("br"):
        br.replace_with("\n")
    blocks: list = []
    origins = iter(range(1, 10**9))  # one merged cell = one origin, unique across the page's tables
    for el in soup.find_all(["table", "p", "h1", "h2", "h3", "h4", "h5", "h6", "li"]):
        in_table = el.find_parent("table")
        if el.name == "table":
            if in_table is None:
                blocks.append(("table", _html_grid(el, origins)))
        elif in_table is None:
            blocks += [("p", normalize_line(x)) for x in el.get_text("").split("\n") if normalize_line(x)]
    return blocks


def _html_cell_paragraphs(td) -> list[str]:
    ps = td.find_all(["p", "li"])
    chunks = [p.get_text("") for p in ps] if ps else [td.get_text("")]
    return [normalize_line(x) for c in chunks for x in c.split("\n") if normalize_line(x)]


def _html_grid(table, origins) -> list[list[_Cell]]:
    grid: list[list[_Cell]] = []
    pending: dict[int, tuple[int, _Cell]] = {}  # column → (rows still covered, cell)
    trs = [tr for tr in table.find_all("tr") if tr.find_parent("table") is table]
    for tr in trs:
        row: list[_Cell] = []
        tds = tr.find_all(["td", "th"], recursive=False)
        col = 0
        k = 0
        while k < len(tds) or col in pending:
            if col in pending:
                left, cell = pending[col]
                row.append(cell)
                if left <= 1:
                    del pending[col]
                else:
                    pending[col] = (left - 1, cell)
                col += 1
                continue
            td = tds[k]
            k += 1
            cell = _Cell(_html_cell_paragraphs(td), next(origins))
            span = int(td.get("colspan", 1) or 1)
            down = int(td.get("rowspan", 1) or 1)
            for _ in range(span):
                row.append(cell)
                if down > 1:
                    pending[col] = (down - 1, cell)
                col += 1
        grid.append(row)
    return grid


def _docx_blocks(data: bytes, path) -> list:
    """Paragraphs and tables of a DOCX in body order, with the numbers Word's auto-numbering draws (a plan's «№»
    column is often a numbered list with empty cells). Table grids are built from the XML: «gridSpan» repeats
    a cell across columns, «vMerge» continues the cell above (python-docx's cell objects cannot be told
    apart reliably, their ids are reused)."""
    import io
    import zipfile

    from lxml import etree

    from .docx_numbering import read_numbering
    from .ingest import numbered_text

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        root = etree.fromstring(zf.read("word/document.xml"))
        numbering = read_numbering(zf)
    except zipfile.BadZipFile:
        raise TarazaError(path, "not a valid DOCX (the file is not a ZIP archive)")
    except KeyError:
        raise TarazaError(path, "not a valid DOCX (word/document.xml is missing)")
    except etree.XMLSyntaxError as exc:
        raise TarazaError(path, f"broken DOCX: {exc}")
    body = root.find(f"{w}body")
    blocks: list = []
    origins = iter(range(1, 10**9))
    for el in body if body is not None else []:
        if el.tag == f"{w}p":
            t = normalize_line(numbered_text(el, numbering))
            if t:
                blocks.append(("p", t))
            continue
        # every paragraph of the element once, in document order (Word's list counters run through tables)
        texts = {p: normalize_line(numbered_text(p, numbering, bare=True)) for p in el.iter(f"{w}p")}
        if el.tag == f"{w}tbl":
            grid: list[list[_Cell]] = []
            for tr in el.iter(f"{w}tr"):
                if tr.getparent() is not el:
                    continue  # rows of a nested table
                row: list[_Cell] = []
                for tc in tr.findall(f"{w}tc"):
                    pr = tc.find(f"{w}tcPr")
                    span_el = pr.find(f"{w}gridSpan") if pr is not None else None
                    vmerge = pr.find(f"{w}vMerge") if pr is not None else None
                    span = int(span_el.get(f"{w}val", "1")) if span_el is not None else 1
                    col = len(row)
                    if vmerge is not None and vmerge.get(f"{w}val", "continue") == "continue" and grid and col < len(grid[-1]):
                        cell = grid[-1][col]
                    else:
                        paragraphs = [texts[p] for p in tc.findall(f"{w}p")]
                        cell = _Cell([p for p in paragraphs if p], next(origins))
                    row += [cell] * span
                grid.append(row)
            blocks.append(("table", grid))
    return blocks


def _header_map(row: list[_Cell]) -> dict[str, int] | None:
    """Columns of a header row → {field: column}. A header cell spanning two columns over the task
    («Милдеттер» above «1 | title») gives task_number to the first and task to the second."""
    cols: dict[str, int] = {}
    for c, cell in enumerate(row):
        f = header_field(cell.text) if cell.text else None
        if not f or f == "ignore":
            continue
        if f in cols and row[cols[f]].origin == cell.origin:
            if f == "task":
                cols["task_number"] = cols[f]
                cols[f] = c
            continue
        cols.setdefault(f, c)
    return cols if "measure" in cols and len(cols) >= 2 else None


def _parse_tables(blocks: list, path, plan: Plan, resolver_for) -> tuple[list[_Row], list[tuple[str, str]]]:
    # the plan table: the first table with a header row naming a measure column
    found = None
    for b, (kind, grid) in enumerate(blocks):
        if kind != "table":
            continue
        for r, row in enumerate(grid[:4]):
            cols = _header_map(row)
            if cols:
                found = (b, r, cols)
                break
        if found:
            break
    if not found:
        heads = [" | ".join(c.text for c in g[0]) for k, g in blocks if k == "table" and g]
        raise TarazaError(path, "no plan table found: no table has a header row with a measure column "
                                "(«Мероприятие», «Чаралар/Аракеттер»)"
                          + (f"; first rows of the tables: {'; '.join(h[:120] for h in heads)}" if heads else
                             "; the file has no tables"))
    b0, header_row, cols = found
    _metadata(plan, [t for k, t in blocks[:b0] if k == "p"])
    width = len(blocks[b0][1][header_row])

    # the abbreviation list: paragraphs or a two-column table after its heading
    entries: list[tuple[str, str]] = []
    pairs: list[tuple[str, str]] = []
    heading = next((k for k in range(b0 + 1, len(blocks)) if blocks[k][0] == "p" and _is_list_heading(blocks[k][1])), None)
    if heading is not None:
        for k in range(heading + 1, len(blocks)):
            kind, content = blocks[k]
            if kind == "p":
                entries.append((f"paragraph {k + 1}", content))
            else:
                for r, row in enumerate(content):
                    cells = [c.text for c in row if c.text and not re.fullmatch(r"\d+\.?", c.text)]
                    if len(cells) >= 2:
                        pairs.append((cells[-2], cells[-1]))
                    elif len(cells) == 1:
                        entries.append((f"table {k + 1} row {r + 1}", cells[0]))
    abbreviations = pairs + _parse_abbreviations(entries, path)

    tables = [k for k in range(b0, heading if heading is not None else len(blocks))
              if blocks[k][0] == "table" and len(blocks[k][1]) and len(blocks[k][1][0]) == width]
    rows: list[_Row] = []
    section = ""
    task: tuple[int, str] | None = None
    task_origin = None
    tasks_by_heading = False
    prev: dict[str, int] = {}
    table_number = {k: n for n, k in enumerate((k for k, b in enumerate(blocks) if b[0] == "table"), 1)}
    for k in tables:
        grid = blocks[k][1]
        prev = {}  # a merged cell never spans two tables
        for r, row in enumerate(grid):
            where = f"table {table_number[k]} row {r + 1}"
            if k == b0 and r <= header_row:
                continue
            if _header_map(row) == cols or all(re.fullmatch(r"\d{1,2}", c.text or "") for c in row if c.text):
                continue  # a repeated header, or the row of column numbers
            filled = {c.origin: c for c in row if c.text}
            if not filled:
                continue
            if len(filled) == 1:
                cell = next(iter(filled.values()))
                spans = sum(1 for c in row if c.origin == cell.origin) > 1
                sec = _section_heading(cell.text)
                th = _task_heading(cell.text)
                if sec and (spans or row[0].origin == cell.origin):
                    plan.sections.append(Section(sec[0], sec[1]))
                    section, task, task_origin = sec[0], None, None
                    continue
                if th and (spans or row[0].origin == cell.origin):
                    number = int(th[0].split(".")[-1])  # «Задача 1.2» under a goal: task 2
                    task = (number, th[1])
                    tasks_by_heading = True
                    plan.tasks.append(Task(number, section, th[1]))
                    continue
                if spans:
                    raise TarazaError(path, f"{where}: a row across the table («{cell.text[:60]}») is neither a "
                                            "section («I. ...», «Раздел 1») nor a task («Задача 1. ...») heading")

            def cell(f):
                return row[cols[f]] if f in cols else None

            number_text = cell("number").text.strip().rstrip(".") if "number" in cols else ""
            measure_number: int | None = None
            if "task" in cols:
                tc = cell("task")
                if tc.origin != task_origin:
                    task_origin = tc.origin
                    tn = cell("task_number").text.strip().rstrip(".") if "task_number" in cols else ""
                    m = re.match(r"^(\d+)\.?\s+(.*)$", tc.text, re.S)
                    title = m.group(2) if m and not tn else tc.text
                    number = int(tn) if tn.isdigit() else int(m.group(1)) if m and not tn else len(plan.tasks) + 1
                    task = (number, normalize_line(title))
                    plan.tasks.append(Task(number, section, task[1]))
                if number_text.isdigit():
                    measure_number = int(number_text)
            else:
                m = re.fullmatch(r"(\d+)\.(\d+)", number_text)
                if m:
                    tnum, measure_number = int(m.group(1)), int(m.group(2))
                    if task is None or task[0] != tnum:
                        task = (tnum, "")
                        plan.tasks.append(Task(tnum, section, ""))
                elif number_text.isdigit() and tasks_by_heading and task is not None:
                    measure_number = int(number_text)
                elif number_text.isdigit():
                    task = (int(number_text), "")
                    plan.tasks.append(Task(task[0], section, ""))
                elif task is None:
                    task = (len(plan.tasks) + 1, "")
                    plan.tasks.append(Task(task[0], section, ""))
                else:
                    raise TarazaError(path, f"{where}: no measure number in the «№» column («{number_text}»)")
            mc = cell("measure")
            if prev.get("measure") == mc.origin:
                raise TarazaError(path, f"{where}: the measure cell spans several rows; cannot tell its measures apart")
            items = _split_items(mc.paragraphs)
            if not items:
                raise TarazaError(path, f"{where}: the measure cell is empty")
            if measure_number is not None and len(items) == 1 and items[0][0] is None:
                items[0][0] = measure_number
            out = _Row(section, task[0], task[1], items=items, where=where)
            for f in ("deadline", "agencies", "results_indicators", "results", "indicators"):
                c = cell(f)
                if c is None:
                    continue
                if prev.get(f) == c.origin:
                    out.inherited.add("results" if f == "results_indicators" else f)
                prev[f] = c.origin
                paragraphs = [p for p in c.paragraphs if not _columns()["note"].match(p)]
                out.notes += [p for p in c.paragraphs if _columns()["note"].match(p)]
                if f == "deadline":
                    out.deadline = " ".join(paragraphs)
                elif f == "agencies":
                    out.agencies = ", ".join(paragraphs)
                elif f == "indicators":
                    out.indicators = paragraphs
                else:
                    out.results = (out.results or []) + paragraphs
                    out.combined = f == "results_indicators"
            prev["measure"] = mc.origin
            rows.append(out)
    if not rows:
        raise TarazaError(path, f"table {table_number[b0]}: no measure rows under the header")
    return rows, abbreviations


# ---------------------------------------------------------------------------------------------------------
# Rows → measures


def _build(plan: Plan, rows: list[_Row], resolver) -> None:
    from .deadlines import parse_deadline

    last: dict[int, _Row] = {}
    unnumbered: dict[int, int] = {}
    for row in rows:
        for item in row.items:
            if item[0] is None:
                unnumbered[row.task] = unnumbered.get(row.task, 0) + 1
    counters: dict[int, int] = {}
    seen: set[str] = set()
    for row in rows:
        before = last.get(row.task)
        # a cell merged over several rows appears once in flattened text: the rows below take it over
        if before is not None:
            for f in ("deadline", "agencies", "results"):
                if getattr(row, f) is None and getattr(before, f) is not None:
                    setattr(row, f, getattr(before, f))
                    row.inherited.add(f)
            if row.results is before.results and "results" in row.inherited:
                row.combined = before.combined
                if row.indicators is None:
                    row.indicators = before.indicators
        last[row.task] = row
        deadline = parse_deadline(row.deadline or "")
        agencies = resolver.resolve_cell(row.agencies or "")
        results, indicators = split_results(row.results or [], row.combined)
        if row.indicators:
            indicators += split_results(row.indicators, combined=False)[0]
        for number, text in row.items:
            if number is None and unnumbered.get(row.task, 0) > 1:
                counters[row.task] = counters.get(row.task, 0) + 1
                number = counters[row.task]
            ref = _ref(row.task, number)
            if ref in seen:
                raise TarazaError(plan.path, f"{row.where}: measure {ref} appears twice")
            seen.add(ref)
            m = Measure(
                ref=ref, section=row.section, task=row.task, task_title=row.task_title, text=text.strip(),
                number=number, deadline=Deadline(**deadline.to_dict()),
                agencies=[AgencyRef(**a.to_dict()) for a in agencies], results=list(results),
                indicators=list(indicators), notes=list(row.notes), inherited=sorted(row.inherited),
                source=row.where,
            )
            plan.measures.append(m)
            for a in m.agencies:
                if not a.resolved:
                    plan.unresolved.append({"ref": ref, "abbr": a.abbr, "source": row.where})


def parse_plan(path) -> Plan:
    """Read a plan (flattened text, HTML table or DOCX table) into sections, tasks and measures.

    Raises TarazaError naming the line or table cell where the layout stops making sense; nothing is
    returned half-parsed.
    """
    from .agencies import Resolver
    from .ingest import decode_text, detect_language, language_hint, sniff_format

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TarazaError(path, f"cannot read: {exc.strerror or exc}")
    if not data.strip():
        raise TarazaError(path, "empty file")
    fmt = sniff_format(data, path.name)
    if fmt == "pdf":
        raise TarazaError(path, "PDF plans are not supported: use the DOCX/HTML edition or the flattened text")
    plan = Plan(path=str(path), sha256=hashlib.sha256(data).hexdigest(), format=fmt, language="")
    plan.made_up = "made-up" in path.name.lower()
    if fmt == "txt":
        text = decode_text(data, str(path))
        plan.language = language_hint(path.name) or detect_language(text) or "ru"

        def resolver_for(abbrs):
            return Resolver(dict(abbrs), plan.language)

        rows, abbreviations = _parse_flat(text, path, plan, resolver_for)
    else:
        blocks = _html_blocks(data, path) if fmt == "html" else _docx_blocks(data, path)
        sample = " ".join(b[1] if b[0] == "p" else " ".join(c.text for r in b[1][:30] for c in r) for b in blocks)
        plan.language = language_hint(path.name) or detect_language(sample) or "ru"

        def resolver_for(abbrs):
            return Resolver(dict(abbrs), plan.language)

        rows, abbreviations = _parse_tables(blocks, path, plan, resolver_for)
    resolver = resolver_for(abbreviations)
    plan.abbreviations = [Abbreviation(a, n, resolver.agency_id_for(a, n)) for a, n in abbreviations]
    _build(plan, rows, resolver)
    return plan


# ---------------------------------------------------------------------------------------------------------
# Corpus DB


def store_plan(db, plan: Plan) -> str:
    """Write the plan, its sections, tasks, measures, abbreviations and measure–agency links into the corpus
    DB in one transaction (a plan stored before under the same id is replaced). Returns the plan id."""
    from corpus import dumps
    from .agencies import registry

    pid = plan.id
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    with db.atomic():
        db["agencies"].insert_all(
            [{**e.to_row(), "abbr": dumps(list(e.abbr)), "aliases": dumps(list(e.aliases))} for e in registry().entries],
            pk="id", replace=True)
        old = [r["id"] for r in db.query("select id from measures where plan_id = ?", [pid])]
        for mid in old:
            db.execute("delete from measure_agencies where measure_id = ?", [mid])
        for table in ("measures", "plan_tasks", "plan_sections", "plan_abbreviations"):
            db.execute(f"delete from {table} where plan_id = ?", [pid])
        meta = plan.to_dict()["plan"]
        db["plans"].insert({**meta, "made_up": int(plan.made_up), "n_unresolved": len(plan.unresolved),
                            "unresolved": dumps(plan.unresolved), "loaded_at": now}, pk="id", replace=True)
        db["plan_sections"].insert_all(
            [{"id": f"{pid}:{s.number}", "plan_id": pid, "number": s.number, "title": s.title, "ordinal": k}
             for k, s in enumerate(plan.sections, 1)], pk="id")
        db["plan_tasks"].insert_all(
            [{"id": f"{pid}:{t.number}", "plan_id": pid, "section_id": f"{pid}:{t.section}" if t.section else None,
              "number": t.number, "title": t.title} for t in plan.tasks], pk="id")
        db["plan_abbreviations"].insert_all(
            [{"id": f"{pid}:{a.abbr}", "plan_id": pid, "abbr": a.abbr, "name": a.name, "agency_id": a.agency_id}
             for a in plan.abbreviations], pk="id", replace=True)
        db["measures"].insert_all([{
            "id": f"{pid}:{m.ref}", "plan_id": pid, "ref": m.ref, "section": m.section,
            "section_id": f"{pid}:{m.section}" if m.section else None, "task": m.task,
            "task_id": f"{pid}:{m.task}", "number": m.number, "task_title": m.task_title, "text": m.text,
            "deadline_raw": m.deadline.raw, "deadline_kind": m.deadline.kind, "deadline_start": m.deadline.start,
            "deadline_end": m.deadline.end, "recurring": m.deadline.recurring,
            "deadline": dumps(m.deadline.to_dict()), "agencies_text": ", ".join(a.abbr for a in m.agencies),
            "results": dumps(m.results), "indicators": dumps(m.indicators), "notes": dumps(m.notes),
            "inherited": dumps(m.inherited), "source": m.source, "ordinal": k,
        } for k, m in enumerate(plan.measures, 1)], pk="id")
        db["measure_agencies"].insert_all([{
            "measure_id": f"{pid}:{m.ref}", "ordinal": k, "plan_id": pid, "abbr": a.abbr, "name": a.name,
            "agency_id": a.agency_id, "by_agreement": int(a.by_agreement), "resolved": int(a.resolved),
            "via": a.via,
        } for m in plan.measures for k, a in enumerate(m.agencies, 1)], pk=("measure_id", "ordinal"))
    return pid
