"""Figures cited in report passages: «5 788», «6 тысяч 478», «18,96%», «более 2 млрд сомов», «1000ге жакын».

Multipliers, units, qualifiers and the numbers that are not figures (years, dates, article and decree numbers)
are data in ``rules/figures.yml``; this module only applies them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .document import AsDict

RULES = Path(__file__).resolve().parents[1] / "rules" / "figures.yml"

# «5 788», «5 788 000», «18,96», «5.7», «400»; a digit group must be exactly three digits
_NUM = r"\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:,\d+)?(?!\d)|\d+(?:[.,]\d+)?"
_DATE = re.compile(r"\b\d{1,2}\.\d{1,2}\.\d{2,4}\b")
_WORD = re.compile(r"[^\W\d_]+\.?|[%$№]", re.U)
# Kyrgyz case endings glued to a number or «%»: «1000ге», «70%га», «2015-жылы»
_KY_CASE = re.compile(r"^-?(ге|га|гө|го|ке|ка|кө|ко|дан|ден|дон|дөн|тан|тен|тон|төн|нан|нен|дун|дын|дин|дүн|тун|тын|тин|түн|ы|и|у|ү|да|де|до|дө|та|те|то|тө)$")


# «2015-жылы», «30-марты», «5-пункт», «2-беренеси»: a hyphen makes a Kyrgyz number an ordinal or a date
_KY_ORDINAL = re.compile(r"-\s*(жыл|ай|күн|пункт|берене|январ|феврал|март|апрел|май|июн|июл|август|сентябр|октябр|ноябр|декабр|квартал)")


@dataclass
class Figure(AsDict):
    value: str          # normalised: «5788», «6478» for «6 тысяч 478», «5,7 млрд сом», «70%+»
    number: float       # multipliers applied: 5.7e9
    unit: str           # canonical unit from rules/figures.yml, or ""
    qualifier: str      # more | less | about | up_to | ""
    meaning: str        # the words the figure counts or measures
    start: int
    end: int


@lru_cache(maxsize=1)
def load_rules(path: str | None = None) -> dict:
    data = yaml.safe_load(Path(path or RULES).read_text(encoding="utf-8"))
    unit_of = {}
    for unit, forms in data["units"].items():
        for f in forms:
            unit_of[str(f).lower()] = unit
    nf = data["not_figures"]
    return {
        "mult": {k.lower(): float(v) for k, v in data["multipliers"].items()},
        "unit_of": unit_of,
        "q_before": {k.lower(): v for k, v in data["qualifiers_before"].items()},
        "q_after": {k.lower(): v for k, v in data["qualifiers_after"].items()},
        "marks": data["qualifier_marks"],
        "value_suffix": data.get("value_suffix") or {},
        "written": {float(k): v for k, v in (data.get("multiplier_written") or {}).items()},
        "year_lo": int(nf["year_range"][0]),
        "year_hi": int(nf["year_range"][1]),
        "after_words": {w.lower() for w in nf["after_words"]},
        "before_words": {w.lower() for w in nf["before_words"]},
    }


def _to_float(num: str) -> float:
    return float(re.sub(r"[ \u00a0\u202f]", "", num).replace(",", "."))


def _compact(num: str) -> str:
    return re.sub(r"[ \u00a0\u202f]", "", num)


class _Cursor:
    """Walks the words after a number (skipping spaces) so the grammar below reads like the text."""

    def __init__(self, text: str, pos: int):
        self.text, self.pos = text, pos

    def peek_word(self, ahead: int = 0) -> tuple[str, int, int] | None:
        pos = self.pos
        m = None
        for _ in range(ahead + 1):
            m = re.compile(r"[ \u00a0]*(" + _WORD.pattern + r")").match(self.text, pos)
            if not m:
                return None
            pos = m.end()
        return m.group(1), m.start(1), m.end(1)

    def peek_number(self):
        m = re.compile(r"[ \u00a0]*(" + _NUM + r")").match(self.text, self.pos)
        return (m.group(1), m.start(1), m.end(1)) if m else None


def extract_figures(text: str, lang: str = "ru") -> list[Figure]:
    """All figures in ``text`` in order of appearance; years, dates and reference numbers are skipped."""
    r = load_rules()
    text_l = text.lower().replace("ё", "е")
    dates = [m.span() for m in _DATE.finditer(text_l)]
    out: list[Figure] = []
    pos = 0
    num_re = re.compile(_NUM)
    while True:
        m = num_re.search(text_l, pos)
        if not m:
            break
        start, end = m.span()
        pos = end
        if start > 0 and (text_l[start - 1].isalnum() or text_l[start - 1] in ".,/-"):
            continue  # part of a code, date or identifier («№170-б», «2015/16», «30.03»)
        if any(a <= start < b for a, b in dates):
            continue
        prev_words = _WORD.findall(text_l[max(0, start - 30):start])
        if prev_words and prev_words[-1] in r["after_words"]:
            continue
        raw = m.group(0)
        number = _to_float(raw)
        parts = [_compact(raw)]
        mult_total = 0.0
        cur_value = number
        unit = ""
        # «1 млрд 324 млн», «6 тысяч 478»: multiplier, then possibly another number (and multiplier)
        c = _Cursor(text_l, end)
        while True:
            w = c.peek_word()
            if w and w[0] in r["mult"]:
                factor = r["mult"][w[0]]
                mult_total += cur_value * factor
                cur_value = 0.0
                # one spelling per factor («миллиона», «млн.» → «млн»); a Kyrgyz case ending on the multiplier is
                # grammar, not part of the value: «1,5 миңден» → «1,5 миң»
                parts.append(r["written"].get(factor) or next(
                    (w[0][:k] for k in range(len(w[0]) - 1, 1, -1) if w[0][:k] in r["mult"] and _KY_CASE.match(w[0][k:])),
                    w[0]))
                end = c.pos = w[2]
                nxt = c.peek_number()
                if nxt:
                    # a following number joins only if it is a smaller part («6 тысяч 478»), not a new figure
                    if _to_float(nxt[0]) < factor:
                        cur_value = _to_float(nxt[0])
                        parts.append(_compact(nxt[0]))
                        end = c.pos = nxt[2]
                        continue
                break
            break
        total = mult_total + cur_value
        # years and date parts are not figures (unless a multiplier or unit makes them one)
        has_mult = len(parts) > 1
        if len(parts) == 3 and factor == 1000 and cur_value and total.is_integer():
            parts = [str(int(total))]   # «6 тысяч 478» is the exact number 6478, written in digits
        nxt_word = _Cursor(text_l, end).peek_word()
        if not has_mult:
            if "," not in raw and " " not in raw and r["year_lo"] <= number <= r["year_hi"] and number.is_integer():
                continue
            if nxt_word and (nxt_word[0] in r["before_words"] or nxt_word[0].startswith("жыл")) and nxt_word[1] - end <= 2:
                if not nxt_word[0].startswith("жыл") or number > 100:
                    continue
            if text_l[end:end + 1] == ")" or text_l[end:end + 2] in (". ",) and start == 0:
                continue  # list markers «1)», «2.»
            if text_l[end:end + 1] == "-" and _KY_ORDINAL.match(text_l[end:end + 14]):
                continue  # «2015-жылы», «5-пункт» (Kyrgyz ordinals)
        # unit: «%» right after, or a unit word; Kyrgyz may glue a case ending («70%га», «1000ге»)
        tail = text_l[end:]
        unit_word = ""
        mp = re.match(r"[ \u00a0]?%(\w*)", tail)
        if mp:
            unit = "%"
            end += mp.end()
        else:
            mk = re.match(r"-?(\w+)", tail)
            if mk and _KY_CASE.match(mk.group(1)):
                end += mk.end()
            w = _Cursor(text_l, end).peek_word()
            if w and w[0].rstrip(".") in r["unit_of"] or (w and w[0] in r["unit_of"]):
                unit = r["unit_of"].get(w[0], r["unit_of"].get(w[0].rstrip(".")))
                unit_word = text[w[1]:w[2]]
                end = w[2]
        if unit == "" and text_l[max(0, start - 1):start] == "$":
            unit = "$"
        # qualifier before (RU) or after (KY)
        qualifier = ""
        before = text_l[max(0, start - 25):start].rstrip()
        for q in sorted(r["q_before"], key=len, reverse=True):
            if before.endswith(" " + q) or before == q:
                qualifier = r["q_before"][q]
                break
        after_w = _Cursor(text_l, end).peek_word()
        if not qualifier and after_w:
            for q, kind in r["q_after"].items():
                if (after_w[0] + " " + text_l[after_w[2]:after_w[2] + 10]).startswith(q):
                    qualifier = kind
                    end = after_w[2]
                    break
            if qualifier and not unit:
                w = _Cursor(text_l, end).peek_word()
                if w and w[0] in r["unit_of"]:
                    unit = r["unit_of"][w[0]]
                    unit_word = text[w[1]:w[2]]
                    end = w[2]
        value = " ".join(parts)
        if unit == "%":
            value += "%"
        elif unit == "$":
            value = "$" + value
        elif unit in r["value_suffix"]:
            value += r["value_suffix"][unit]
        if qualifier:
            mark = r["marks"].get(qualifier, {})
            value = mark.get("prefix", "") + value + mark.get("suffix", "")
        meaning = _meaning(text, start, end, unit, unit_word)
        out.append(Figure(value=value, number=total, unit=unit, qualifier=qualifier, meaning=meaning,
                          start=start, end=end))
        pos = max(pos, end)
    return out


_STOP_MEANING = {"и", "в", "на", "по", "из", "за", "с", "к", "от", "для", "что", "а", "жана", "менен", "боюнча"}
_QUALIFIER_WORDS = {"более", "свыше", "около", "почти", "менее", "порядка", "до", "не", "примерно"}
_YEAR_WORD = re.compile(r"-?(жыл\w*|год|года|году|г|гг)")
_WORDS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)?")


def _meaning(text: str, start: int, end: int, unit: str, unit_word: str) -> str:
    """What the figure counts: a counted noun and the words after it («3 549 человек прошли обучение» →
    «человек прошли обучение»); when the figure closes its clause, the words before it come first
    («объем ущерба составил 886 млн сомов» → «объем ущерба составил»)."""
    clause_after = re.split(r"[.;:!?()\n]|,\s", text[end:end + 160])[0]
    after = _WORDS.findall(clause_after)[:4]
    while after and after[-1].lower() in _STOP_MEANING:
        after.pop()
    counted = [unit_word] if unit_word and unit not in ("%", "сом", "$", "евро") else []
    if len(counted + after) >= 2:
        return " ".join(counted + after)
    clause_before = re.split(r"[.;:!?()\n\d]|,\s", text[max(0, start - 160):start])[-1]
    before = [w for w in _WORDS.findall(clause_before) if not _YEAR_WORD.fullmatch(w.lower())][-4:]
    while before and before[-1].lower() in _QUALIFIER_WORDS:
        before.pop()
    return " ".join(before + counted + after)
