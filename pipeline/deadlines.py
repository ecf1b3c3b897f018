"""Deadline cells of action plans → :class:`pipeline.plan.Deadline` (vocabulary in ``rules/deadlines.yml``).

«2015-жылдын декабры» → month 2015-12; «2015-жылдын 1-жарым жылдыгы» → half_year 2015-01..2015-06;
«2015-жылдын июну - 2016-жылдын декабры» → range 2015-06..2016-12; «2015-2017-жылдар» → range
2015-01..2017-12; «до 1 июля 2025 года» → month 2025-06 (due by the day before: months are the precision, so a
deadline on the first of a month is the end of the one before; «до 15 июля» stays 2025-07); «Дайыма» → continuous; «2016-жылдын декабры - дайыма» → continuous from 2016-12;
«... квартал сайын жаңылоо менен» adds recurring = quarterly. ``end`` is the due date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rules import load_yaml

_L = "а-яөүңё"  # Cyrillic letters that may continue a word


@dataclass
class _Point:
    pos: int
    endpos: int
    kind: str  # month | half_year | quarter | year | range
    start: str | None
    end: str | None


def _ym(year: int | str | None, month: int) -> str | None:
    return f"{int(year):04d}-{month:02d}" if year else None


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _vocab() -> dict:
    data = load_yaml("deadlines.yml")
    month_alts = []
    month_of = {}
    for month, forms in data["months"].items():
        stem = len(forms) == 1  # one entry is a stem taking any ending; «май» lists its whole forms
        for form in forms:
            month_of[form] = int(month)
            month_alts.append(re.escape(form) + (f"[{_L}]*" if stem else f"(?![{_L}])"))
    month_alts.sort(key=len, reverse=True)
    month_re = "(?:" + "|".join(month_alts) + ")"
    ords = {str(k).lower(): v for k, v in data["ordinals"].items()}
    ord_re = f"(?<![{_L}\\d])(?:{_alt(ords)})(?![{_L}\\d])"
    year_word = f"(?:{_alt(data['year_words'])})[{_L}.]*"
    year = r"(20\d\d)"
    half = f"(?:{_alt(data['half_year_words'])})[{_L}]*"
    quarter = f"(?:{_alt(data['quarter_words'])})[{_L}]*"
    period = (f"(?:{year}\\s*-?\\s*{year_word}\\s+(?:[{_L}]+\\s+)?)?({ord_re})\\s*-?\\s*(?:(?:й|я|е|го)\\s+)?"
              f"(?:{{w}})(?:\\s+(?:[{_L}]+\\s+)?{year})?")
    return {
        "month_of": month_of,
        "month_alts": month_alts,
        "ordinals": ords,
        "year_range": re.compile(f"{year}\\s*[-–—]\\s*{year}(?:\\s*-?\\s*{year_word})?"),
        "half": re.compile(period.replace("{w}", half)),
        "quarter": re.compile(period.replace("{w}", quarter)),
        # «2015-жылдын декабры», «2015-жылдын 1-декабрына чейин»
        "month_ky": re.compile(f"(?P<y>20\\d\\d)\\s*-?\\s*{year_word}\\s+(?:(?P<day>\\d{{1,2}})\\s*-\\s*)?(?P<mon>{month_re})"
                               f"(?P<by>\\s+(?:{_alt(data['by_day_words']['ky'])})(?![{_L}]))?"),
        # «декабрь 2015 года», «до 1 декабря 2015 г.»
        "month_ru": re.compile(f"(?:(?<![{_L}])(?P<by>{_alt(data['by_day_words']['ru'])})\\s+)?(?:(?P<day>\\d{{1,2}})\\s+)?"
                               f"(?<![{_L}])(?P<mon>{month_re})\\s+(?P<y>20\\d\\d)"),
        "year": re.compile(f"{year}(?:\\s*-?\\s*{year_word})?"),
        "continuous": [p.lower() for p in data["continuous"]],
        "by_calendar": [p.lower() for p in data["by_calendar"]],
        "recurring": sorted(((k.lower(), v) for k, v in data["recurring"].items()), key=lambda kv: -len(kv[0])),
    }


def _normalize(raw: str) -> str:
    text = raw.lower().replace("ё", "е").replace("\u00a0", " ")
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"(20\d\d)\s+-\s*(?=[{_L}])".replace("{_L}", _L), r"\1-", text)  # «2015 -жылдын»


def _month_of(word: str, v: dict) -> int:
    for form in sorted(v["month_of"], key=len, reverse=True):
        if word.startswith(form):
            return v["month_of"][form]
    raise KeyError(word)


def month_number(word: str) -> int | None:
    """1..12 for a month name in any Russian or Kyrgyz case form («декабря», «декабрындагы»), else None."""
    v = _vocab()
    w = word.lower().replace("ё", "е")
    m = re.match(f"(?:{'|'.join(sorted(v['month_alts'], key=len, reverse=True))})$", w)
    return _month_of(w, v) if m else None


def _points(text: str, v: dict) -> list[_Point]:
    taken: list[tuple[int, int]] = []
    points: list[_Point] = []

    def free(m) -> bool:
        return all(m.end() <= a or m.start() >= b for a, b in taken)

    def add(m, kind, start, end):
        taken.append((m.start(), m.end()))
        points.append(_Point(m.start(), m.end(), kind, start, end))

    for m in v["year_range"].finditer(text):
        add(m, "range", _ym(m.group(1), 1), _ym(m.group(2), 12))
    for kind, size in (("half_year", 6), ("quarter", 3)):
        for m in v["half" if kind == "half_year" else "quarter"].finditer(text):
            if not free(m):
                continue
            n = v["ordinals"][m.group(2).lower()]
            if n > 12 // size:
                continue
            y = m.group(1) or m.group(3)
            add(m, kind, _ym(y, (n - 1) * size + 1), _ym(y, n * size))
    for m in list(v["month_ky"].finditer(text)) + list(v["month_ru"].finditer(text)):
        if not free(m):
            continue
        y, month = int(m.group("y")), _month_of(m.group("mon"), v)
        if m.group("by") and m.group("day") and int(m.group("day")) == 1:
            # «до 1 июля 2025 года», «2025-жылдын 1-июлуна чейин»: due by the end of June, not of July
            y, month = (y, month - 1) if month > 1 else (y - 1, 12)
        add(m, "month", _ym(y, month), _ym(y, month))
    for m in v["year"].finditer(text):
        if free(m):
            add(m, "year", _ym(m.group(1), 1), _ym(m.group(1), 12))
    return sorted(points, key=lambda p: p.pos)


def parse_deadline(raw: str | None):
    """A deadline cell as written → Deadline(raw, kind, start, end, recurring). Never raises."""
    from .plan import Deadline

    raw = (raw or "").strip()
    text = _normalize(raw)
    v = _vocab()
    recurring = next((value for phrase, value in v["recurring"] if phrase in text), None)
    continuous = any(p in text for p in v["continuous"])
    by_calendar = any(p in text for p in v["by_calendar"])
    points = _points(text, v)
    kind, start, end = "unknown", None, None
    if len(points) == 1:
        p = points[0]
        kind, start, end = p.kind, p.start, p.end
    elif len(points) > 1:
        kind, start, end = "range", points[0].start, points[-1].end
    if by_calendar:
        kind = "by_calendar"
    elif continuous:
        kind = "continuous"  # «2016-жылдын декабры - дайыма»: due first at 2016-12, then kept up
    elif kind == "unknown" and recurring:
        kind = "continuous"  # «жыл сайын» alone: every year, no single due date
    return Deadline(raw=raw, kind=kind, start=start, end=end, recurring=recurring)
