"""Deadline cells → {raw, kind, start, end, recurring} (pipeline/deadlines.py, rules/deadlines.yml)."""
from __future__ import annotations

import pytest

from pipeline.deadlines import month_number, parse_deadline
from rules import load_yaml

CASES = [
    # raw, kind, start, end, recurring
    ("2015-жылдын декабры", "month", "2015-12", "2015-12", None),
    ("декабрь 2015 года", "month", "2015-12", "2015-12", None),
    # «до 1 июля» is due by 30 June: the end of June, not of July (user audit 2, finding 12)
    ("до 1 июля 2025 года", "month", "2025-06", "2025-06", None),
    ("не позднее 1 января 2026 г.", "month", "2025-12", "2025-12", None),
    ("2025-жылдын 1-июлуна чейин", "month", "2025-06", "2025-06", None),
    ("до 15 июля 2025 года", "month", "2025-07", "2025-07", None),
    ("1 июля 2025 года", "month", "2025-07", "2025-07", None),
    ("2015-жылдын 1-декабры", "month", "2015-12", "2015-12", None),
    ("2016-жылдын майында", "month", "2016-05", "2016-05", None),
    ("май 2016 года", "month", "2016-05", "2016-05", None),
    ("2015-жылдын 1-жарым жылдыгы", "half_year", "2015-01", "2015-06", None),
    ("2015-жылдын экинчи жарым жылдыгы", "half_year", "2015-07", "2015-12", None),
    ("в первом полугодии 2016 года", "half_year", "2016-01", "2016-06", None),
    ("II полугодие 2026 г.", "half_year", "2026-07", "2026-12", None),
    ("I квартал 2016 года", "quarter", "2016-01", "2016-03", None),
    ("IV квартал 2025 г.", "quarter", "2025-10", "2025-12", None),
    ("2016-жылдын 3-чейреги", "quarter", "2016-07", "2016-09", None),
    ("в течение 2026 года", "year", "2026-01", "2026-12", None),
    ("2016-жыл", "year", "2016-01", "2016-12", None),
    ("2015-жылдын июну - 2016-жылдын декабры", "range", "2015-06", "2016-12", None),
    ("с июня 2025 года по декабрь 2026 года", "range", "2025-06", "2026-12", None),
    ("2015-2017-жылдар", "range", "2015-01", "2017-12", None),
    ("2025–2030 годы", "range", "2025-01", "2030-12", None),
    ("Дайыма", "continuous", None, None, None),
    ("постоянно", "continuous", None, None, None),
    ("жыл сайын", "continuous", None, None, "annual"),
    ("квартал сайын", "continuous", None, None, "quarterly"),
    ("ежегодно, до 15 января", "continuous", None, None, "annual"),
    ("ар бир жарым жылдыктын жыйынтыгы боюнча", "continuous", None, None, "semiannual"),
    ("2016-жылдын декабры - дайыма", "continuous", "2016-12", "2016-12", None),
    ("2015-2017-жылдардын ичинде календарлык пландарга ылайык", "by_calendar", "2015-01", "2017-12", None),
    ("согласно календарному плану", "by_calendar", None, None, None),
    # the seed plan's cells with an update rhythm after the due date
    ("2015 -жылдын декабры маалыматтарды квартал сайын жаңылап туруу менен", "month", "2015-12", "2015-12", "quarterly"),
    ("2015-жылдын декабры, маалыматты жаңылоо (жарым жылда 1 жолу)", "month", "2015-12", "2015-12", "semiannual"),
    ("2015-жылдын июну, ар бир жарым жылдын жыйынтыгы боюнча маалыматтарды жаңылоо менен", "month", "2015-06",
     "2015-06", "semiannual"),
    ("2015-жылдын биринчи жарым жылдыгы, жетишилген жыйынтык-тар тууралуу маалыматтарды квартал сайын жаңылоо",
     "half_year", "2015-01", "2015-06", "quarterly"),
    ("Иштеп чыгуу жана КР Жогорку Кеңешине киргизүү, 2015-жылдын октябры", "month", "2015-10", "2015-10", None),
    ("с июня 2026 года по декабрь 2027 года, с ежеквартальным обновлением информации", "range", "2026-06",
     "2027-12", "quarterly"),
    ("", "unknown", None, None, None),
    ("по мере необходимости", "unknown", None, None, None),
]


@pytest.mark.parametrize("raw,kind,start,end,recurring", CASES)
def test_parse_deadline(raw, kind, start, end, recurring):
    d = parse_deadline(raw)
    assert (d.kind, d.start, d.end, d.recurring) == (kind, start, end, recurring)
    assert d.raw == raw  # the text as written is always kept


def test_quarterly_word_is_not_a_quarter():
    # «квартал сайын» is an update rhythm, not «the N-th quarter»
    d = parse_deadline("2015-жылдын декабры маалыматтарды квартал сайын жаңылоо менен")
    assert d.kind == "month" and d.recurring == "quarterly"


MONTHS = {"январ": 1, "феврал": 2, "март": 3, "апрел": 4, "ма": 5, "июн": 6, "июл": 7, "август": 8,
          "сентябр": 9, "октябр": 10, "ноябр": 11, "декабр": 12}


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_every_listed_month_form(lang):
    forms = load_yaml("deadlines.yml")["month_forms_tested"][lang]
    assert len(forms) >= 25
    for form in forms:
        expected = next(v for k, v in sorted(MONTHS.items(), key=lambda kv: -len(kv[0])) if form.startswith(k))
        assert month_number(form) == expected, form
        year_first = parse_deadline(f"2019-жылдын {form}") if lang == "ky" else parse_deadline(f"{form} 2019 года")
        assert year_first.start == f"2019-{expected:02d}", form


def test_month_number_rejects_other_words():
    assert month_number("мамлекеттик") is None
    assert month_number("марка") is None
    assert month_number("майор") is None
