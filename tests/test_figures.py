"""Figure extraction (pipeline/match_figures.py, rules/figures.yml)."""
import pytest

from pipeline.match_figures import extract_figures, load_rules


def values(text, lang="ru"):
    return [f.value for f in extract_figures(text, lang)]


@pytest.mark.parametrize("text,value,number,unit,qualifier", [
    ("Обучено 5 788 человек.", "5788", 5788, "человек", ""),
    ("из них 6 тысяч 478 поставщиков", "6478", 6478, "", ""),
    ("проверено 1 тыс. 250 деклараций", "1250", 1250, "", ""),
    ("доля составила 18,96% от общего числа", "18,96%", 18.96, "%", ""),
    ("возвращено более 2 млрд сомов в бюджет", "2 млрд сом+", 2e9, "сом", "more"),
    ("сумма 1 млрд 324 млн сомов", "1 млрд 324 млн сом", 1.324e9, "сом", ""),
    ("около 11 тысяч НКО", "~11 тысяч", 11000, "", "about"),
    ("стоимость $400 тыс. долларов", "$400 тыс.", 400000, "$", ""),
])
def test_russian_figures(text, value, number, unit, qualifier):
    f = extract_figures(text)[0]
    assert (f.value, f.unit, f.qualifier) == (value, unit, qualifier)
    assert f.number == pytest.approx(number)
    assert text[f.start:f.end].lower().startswith(text[f.start:f.start + 1].lower())


@pytest.mark.parametrize("text,value,qualifier", [
    ("2 млрд сомдон ашык каражат кайтарылды", "2 млрд сом+", "more"),
    ("1000ге жакын адам окутулду", "~1000", "about"),
    ("аларга 1 200дөн ашык мугалим катышты", "1200+", "more"),
    ("2015-жылы 3 549 адам окутулду", "3549", ""),
    # a case ending on the multiplier itself: the qualifier still follows, the value drops the ending
    ("1,5 миңден ашык арыз каралды", "1,5 миң+", "more"),
    ("5 миллиондон ашык сом үнөмдөлдү", "5 млн сом+", "more"),
])
def test_kyrgyz_figures_with_qualifiers_after_the_number(text, value, qualifier):
    figs = extract_figures(text, "ky")
    assert [f.value for f in figs] == [value]
    assert figs[0].qualifier == qualifier


def test_one_spelling_per_multiplier_in_both_languages():
    # the same amount reads the same whatever the case, abbreviation or language of the passage
    assert values("ущерб 1 миллиард 324 миллиона сомов") == ["1 млрд 324 млн сом"]
    assert values("бюджетке 1 миллиард 324 миллион сом кайтарылды", "ky") == ["1 млрд 324 млн сом"]
    assert values("үнөмдөлгөн каражат 5,7 млрд. сом", "ky") == ["5,7 млрд сом"]
    # thousands with no remainder stay as written; a larger part after them is a new figure
    assert values("около 11 тысяч НКО") == ["~11 тысяч"]
    assert values("2 млн 300 тыс. сомов") == ["2 млн 300 тыс. сом"]


def test_years_dates_and_reference_numbers_are_not_figures():
    assert values("Постановлением № 170 от 30.03.2015 года в 2016 году по ст. 303 УК") == []
    assert values("в 1 квартале 2016 года; 1) разработать закон") == []
    assert values("2015-жылдын 30-марты № 170 токтому", "ky") == []


def test_meaning_names_what_is_counted():
    f = extract_figures("В 2016 году проведено 12 семинаров для судей.")[0]
    assert f.value == "12" and "семинаров" in f.meaning
    f = extract_figures("Обучено 5 788 человек.")[0]
    assert "человек" in f.meaning and "Обучено" in f.meaning


def test_rules_file_is_consistent():
    r = load_rules()
    assert r["mult"]["млрд"] == 1e9 and r["mult"]["миң"] == 1000
    assert r["unit_of"]["сомов"] == "сом" and r["unit_of"]["пайыз"] == "%"
    assert set(r["q_before"].values()) | set(r["q_after"].values()) <= set(r["marks"])
