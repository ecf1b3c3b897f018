"""Dates a user types: ``monitor --as-of`` and the ``"date"`` of ``match --input`` lines.

ISO dates (``2017-01-01``) and the day-first form Kyrgyz documents use (``01.01.2017``, ``1/1/2017``) are
accepted and returned as ISO; anything else, and impossible dates (``2016-13-45``), are refused with a
message naming the value — a wrong date would silently move every deadline check.
"""
from __future__ import annotations

import re
import sys
from datetime import date

import click

from .document import TarazaError

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{4})")
FORMS = "YYYY-MM-DD or DD.MM.YYYY"


def parse_user_date(value) -> str:
    """``value`` → ISO date; ValueError naming the value when it is not a date or not a real one."""
    text = str(value).strip()
    if m := _ISO.fullmatch(text):
        y, mo, d = map(int, m.groups())
    elif m := _DAY_FIRST.fullmatch(text):
        d, mo, y = map(int, m.groups())
    else:
        raise ValueError(f"«{value}» is not a date (write {FORMS})")
    try:
        return date(y, mo, d).isoformat()
    except ValueError as exc:  # month 13, 30 February
        raise ValueError(f"«{value}» is not a real date ({exc})") from None


_YEAR_MONTH = re.compile(r"\d{4}(-\d{2})?")


def parse_report_date(value) -> str:
    """A report's date: a full date as :func:`parse_user_date` reads it, or a year or a month alone (YYYY,
    YYYY-MM: reports are often dated so) kept as written; ValueError naming the value otherwise."""
    text = str(value).strip()
    if _YEAR_MONTH.fullmatch(text):
        if "-" in text and not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"«{value}»: month {text[5:]} does not exist")
        return text
    return parse_user_date(text)


class UserDate(click.ParamType):
    """A click option type for a date parser (:func:`parse_user_date`, :func:`parse_report_date`): bad values
    are a usage error naming the value."""

    name = "date"

    def __init__(self, parse=parse_user_date):
        self.parse = parse

    def convert(self, value, param, ctx):
        try:
            return self.parse(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = UserDate()
REPORT_DATE = UserDate(parse_report_date)


def check_passage_inputs(recs: list[dict], warn=None, bad: list | None = None) -> list[dict]:
    """Input lines of ``match --input`` (each with its ``_line`` number): their dates made ISO (a rough date
    naming its year is kept as written), a bad date refused with the line and the value; an agency name the registry does not know warned about once per
    name (the passage is still matched, without the agency prior). Returns the records kept: with ``bad`` (a
    list), a record with a bad date is left out and its TarazaError appended there; without, the error is raised."""
    from .match import find_agencies, year_of

    warn = warn or (lambda msg: print(msg, file=sys.stderr))
    unknown: set[str] = set()
    kept = []
    for rec in recs:
        where = f"line {rec.get('_line', '?')}"
        if rec.get("date") not in (None, ""):
            try:
                rec["date"] = parse_user_date(rec["date"])
            except ValueError as exc:
                # A rough date that names its year («2016», «2016-05», «c. 2016») still dates the report;
                # a full date that does not exist, or words without a year («вчера»), do not.
                if "not a real date" in str(exc) or year_of(rec["date"]) is None:
                    err = TarazaError(where, f"\"date\": {exc}")
                    if bad is None:
                        raise err from None
                    bad.append(err)
                    continue
        kept.append(rec)
        agency = str(rec.get("agency") or "").strip()
        if agency and agency not in unknown and not find_agencies(agency):
            unknown.add(agency)
            warn(f"warning: {where}: agency «{agency}» is not in the registry (rules/agencies.yml); "
                 f"matched without the agency prior")
    return kept
