"""The numbers Word shows in front of auto-numbered paragraphs (List Number styles, multilevel lists).

A ministry draft rarely types «1.» or «2)»: Word draws them from ``word/numbering.xml``, and the paragraph's text
does not hold them. python-docx does not compute these numbers, so this small reader does, the way Word does:

* a paragraph is numbered by its own ``w:pPr/w:numPr`` (``w:numId``, ``w:ilvl``) or by its style's (through the
  ``w:basedOn`` chain; a level whose ``w:pStyle`` names the style gives the level);
* ``w:num`` points at a ``w:abstractNum`` (directly or through ``w:numStyleLink``); counters belong to the
  abstract list, so two ``w:num`` of one abstract list continue each other, unless a ``w:lvlOverride`` restarts
  a level (``w:startOverride``) or redefines it (``w:lvl``) the first time that ``w:num`` is used;
* a level's counter starts at ``w:start`` and restarts whenever a higher level advances (``w:lvlRestart``
  aside); the label is ``w:lvlText`` («%1.», «%1)», «%1.%2.») with each ``%k`` in level k's ``w:numFmt``.

Bullets and levels without a number format give no label.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Word's «а, б, в …» list skips the letters that never start an item (ё й ъ ы ь)
_RUSSIAN_LOWER = "абвгдежзиклмнопрстуфхцчшщэюя"
_ROMAN = [(1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def _val(el, tag: str) -> str | None:
    child = el.find(f"{_W}{tag}") if el is not None else None
    return child.get(f"{_W}val") if child is not None else None


def _int(value, default: int | None = 0) -> int | None:
    """An integer attribute; a malformed one (hand-edited XML) counts as absent rather than breaking ingest."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _letters(n: int, alphabet: str) -> str:
    """1 → a … 26 → z, 27 → aa, 28 → bb: Word repeats the letter rather than counting in base 26."""
    if n < 1:
        return str(n)
    q, r = divmod(n - 1, len(alphabet))
    return alphabet[r] * (q + 1)


def _roman(n: int) -> str:
    out = ""
    for value, sym in _ROMAN:
        while n >= value:
            out += sym
            n -= value
    return out or str(n)


def format_number(n: int, fmt: str) -> str:
    if fmt in ("lowerLetter", "upperLetter"):
        s = _letters(n, "abcdefghijklmnopqrstuvwxyz")
        return s.upper() if fmt == "upperLetter" else s
    if fmt in ("russianLower", "russianUpper"):
        s = _letters(n, _RUSSIAN_LOWER)
        return s.upper() if fmt == "russianUpper" else s
    if fmt in ("lowerRoman", "upperRoman"):
        s = _roman(n)
        return s.upper() if fmt == "upperRoman" else s
    if fmt == "decimalZero":
        return f"{n:02d}"
    return str(n)  # decimal, and the ordinal/CJK formats drafts here never use


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    restart: int | None = None  # w:lvlRestart: restart after this (1-based) level; 0 = never
    style: str | None = None
    legal: bool = False         # w:isLgl: higher levels shown as decimals
    indent: int = 0             # left indent in twips (w:ind w:left / w:start)


def _indent(ppr) -> int | None:
    ind = ppr.find(f"{_W}ind") if ppr is not None else None
    if ind is None:
        return None
    return _int(ind.get(f"{_W}left") or ind.get(f"{_W}start"), None)


def _level(lvl) -> _Level:
    restart = _val(lvl, "lvlRestart")
    return _Level(start=_int(_val(lvl, "start"), 1), fmt=_val(lvl, "numFmt") or "decimal",
                  text=_val(lvl, "lvlText") or "", restart=_int(restart, None),
                  style=_val(lvl, "pStyle"), legal=lvl.find(f"{_W}isLgl") is not None,
                  indent=_indent(lvl.find(f"{_W}pPr")) or 0)


class DocxNumbering:
    """Call :meth:`label` for every paragraph of the document in order (body and table cells): counters advance
    as Word's do."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None):
        from lxml import etree

        self.abstract: dict[str, dict[int, _Level]] = {}
        self.abstract_link: dict[str, str] = {}     # abstractNumId → numStyleLink style
        self.nums: dict[str, str] = {}               # numId → abstractNumId
        self.overrides: dict[str, dict[int, tuple[int | None, _Level | None]]] = {}
        self.style_num: dict[str, tuple[str | None, str | None]] = {}  # style → (numId, ilvl)
        self.style_base: dict[str, str] = {}
        self.counters: dict[str, list[int | None]] = {}
        self.used_nums: set[str] = set()
        self.level_defs: dict[str, dict[int, _Level]] = {}  # per numId, after overrides
        self.outer: tuple[str, int] | None = None     # (abstract list, indent) of the last top-level item
        if styles_xml:
            try:
                for st in etree.fromstring(styles_xml).iter(f"{_W}style"):
                    sid = st.get(f"{_W}styleId")
                    base = _val(st, "basedOn")
                    if base:
                        self.style_base[sid] = base
                    numpr = st.find(f"{_W}pPr/{_W}numPr")
                    if numpr is not None:
                        self.style_num[sid] = (_val(numpr, "numId"), _val(numpr, "ilvl"))
            except etree.XMLSyntaxError:
                pass
        if numbering_xml:
            try:
                root = etree.fromstring(numbering_xml)
            except etree.XMLSyntaxError:
                root = None
            if root is not None:
                for an in root.iter(f"{_W}abstractNum"):
                    aid = an.get(f"{_W}abstractNumId")
                    self.abstract[aid] = {_int(lvl.get(f"{_W}ilvl")): _level(lvl) for lvl in an.findall(f"{_W}lvl")}
                    link = _val(an, "numStyleLink")
                    if link:
                        self.abstract_link[aid] = link
                for num in root.iter(f"{_W}num"):
                    nid = num.get(f"{_W}numId")
                    self.nums[nid] = _val(num, "abstractNumId")
                    ovs = {}
                    for ov in num.findall(f"{_W}lvlOverride"):
                        start = _val(ov, "startOverride")
                        lvl = ov.find(f"{_W}lvl")
                        ovs[_int(ov.get(f"{_W}ilvl"))] = (_int(start, None), _level(lvl) if lvl is not None else None)
                    self.overrides[nid] = ovs

    def _style_chain(self, style: str | None):
        seen = set()
        while style and style not in seen:
            seen.add(style)
            yield style
            style = self.style_base.get(style)

    def _abstract_of(self, num_id: str) -> str | None:
        aid = self.nums.get(num_id)
        # a list defined by a list style: the abstract list points at the style, whose numId holds the levels
        if aid in self.abstract_link:
            for st in self._style_chain(self.abstract_link[aid]):
                linked = self.style_num.get(st, (None, None))[0]
                if linked and self.nums.get(linked) not in (None, aid):
                    return self.nums[linked]
        return aid

    def _levels(self, num_id: str, aid: str) -> dict[int, _Level]:
        if num_id not in self.level_defs:
            levels = dict(self.abstract.get(aid, {}))
            for ilvl, (start, lvl) in self.overrides.get(num_id, {}).items():
                if lvl is not None:
                    levels[ilvl] = lvl
                if start is not None and ilvl in levels:
                    levels[ilvl] = _Level(**{**levels[ilvl].__dict__, "start": start})
            self.level_defs[num_id] = levels
        return self.level_defs[num_id]

    def resolve(self, p) -> tuple[str, int] | None:
        """(numId, level) of a paragraph element, or None if Word does not number it."""
        ppr = p.find(f"{_W}pPr")
        style = _val(ppr, "pStyle")
        num_id = ilvl = None
        numpr = ppr.find(f"{_W}numPr") if ppr is not None else None
        if numpr is not None:
            num_id, ilvl = _val(numpr, "numId"), _val(numpr, "ilvl")
        for st in self._style_chain(style):
            if num_id is not None and ilvl is not None:
                break
            s_num, s_ilvl = self.style_num.get(st, (None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_ilvl
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        if ilvl is None:
            aid = self._abstract_of(num_id)
            ilvl = next((str(k) for k, lv in self._levels(num_id, aid).items()
                         if lv.style and lv.style in set(self._style_chain(style))), "0")
        level = _int(ilvl)
        return (num_id, level) if 0 <= level < 9 else None

    def label(self, p, nest: bool = False) -> str:
        """The number Word draws before this paragraph («1.», «2)», «а)», «1.2.»), or "".

        With ``nest`` (body paragraphs), a decimal «N.» one level down is given as «N)»: a list under a part's
        lead-in («2. … следующие документы:» / «1. заявление;») holds points, which numbered text writes «1)»,
        and Word drafts draw either as a second level of one list or as a separate, further indented list
        (List Number 2). The structure parser then reads parts and points as it does in typed text."""
        resolved = self.resolve(p)
        if resolved is None:
            return ""
        num_id, ilvl = resolved
        aid = self._abstract_of(num_id)
        levels = self._levels(num_id, aid)
        lvl = levels.get(ilvl)
        if lvl is None:
            return ""
        counters = self.counters.setdefault(aid, [None] * 9)
        if num_id not in self.used_nums:
            self.used_nums.add(num_id)
            for k, (start, redefined) in self.overrides.get(num_id, {}).items():
                if (start is not None or redefined is not None) and 0 <= k < 9:
                    counters[k] = None  # this list instance starts that level again
        counters[ilvl] = lvl.start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart != 0 and (restart is None or restart > ilvl):
                counters[deeper] = None
        if lvl.fmt in ("bullet", "none") or not lvl.text:
            return ""
        nested = False
        if nest:
            indent = _indent(p.find(f"{_W}pPr"))
            indent = lvl.indent if indent is None else indent
            if ilvl > 0:
                nested = True
            elif self.outer is not None and self.outer[0] != aid and indent > self.outer[1]:
                nested = True
            else:
                self.outer = (aid, indent)
        out = lvl.text
        for k in range(9):
            mark = f"%{k + 1}"
            if mark not in out:
                continue
            kl = levels.get(k, _Level())
            n = counters[k] if counters[k] is not None else kl.start
            fmt = "decimal" if lvl.legal and k < ilvl else kl.fmt
            out = out.replace(mark, format_number(n, fmt))
        if nested and re.fullmatch(r"\d+\.", out):
            out = out[:-1] + ")"
        return out


def read_numbering(zf) -> DocxNumbering | None:
    """The numbering of an open DOCX zip, or None when it has no numbering part."""
    names = set(zf.namelist())
    if "word/numbering.xml" not in names:
        return None
    styles = zf.read("word/styles.xml") if "word/styles.xml" in names else None
    return DocxNumbering(zf.read("word/numbering.xml"), styles)
