"""rules/agencies.yml: the registry of Kyrgyz state bodies (RU/KY names, abbreviations, aliases, years)."""
from __future__ import annotations

from collections import defaultdict

import pytest

from pipeline.agencies import Resolver, name_key, registry, split_responsible

KINDS = {"ministry", "service", "agency", "committee", "prosecution", "court", "parliament", "president",
         "government", "fund", "bank", "commission", "institute", "media", "chamber", "ngo", "international",
         "generic", "local"}


def test_entries_are_complete_and_consistent():
    reg = registry()
    ids = [e.id for e in reg.entries]
    assert len(ids) == len(set(ids)) >= 60
    for e in reg.entries:
        assert e.kind in KINDS, e.id
        assert e.ru and e.ky, e.id
        assert any(ch in e.ky.lower() for ch in "өүң") or e.ky.lower() != e.ru.lower(), e.id
        if e.successor:
            assert reg.get(e.successor), f"{e.id}: successor {e.successor} is not in the registry"
        if e.from_year and e.to_year:
            assert e.from_year <= e.to_year


def test_no_written_form_points_at_two_bodies():
    owners = defaultdict(set)
    for e in registry().entries:
        for form in (e.ru, e.ky, *e.abbr, *e.aliases):
            owners[name_key(form)].add(e.id)
    clashes = {k: v for k, v in owners.items() if len(v) > 1}
    assert not clashes


@pytest.mark.parametrize("written,agency_id", [
    ("ЮМ", "minjust"), ("Минюст", "minjust"), ("Юстиция министрлиги", "minjust"), ("МЮ", "minjust"),
    ("Министерство юстиции Кыргызской Республики", "minjust"),
    ("ГП", "prosecutor-general"), ("Башкы прокуратура", "prosecutor-general"),
    ("Генеральная прокуратура", "prosecutor-general"), ("Кыргыз Республикасынын Башкы прокуратурасы", "prosecutor-general"),
    ("МСК", "tax-service"), ("ГНС", "tax-service"), ("Мамлекеттик салык кызматы", "tax-service"),
    ("ГКНБ", "gknb"), ("УКМК", "gknb"),
    ("Өкмөттүн Аппараты", "government-office"), ("Аппарат Правительства", "government-office"),
    ("Кыргыз Республикасынын Өкмөтүнүн Аппараты", "government-office"),
    ("Кабинет Министров", "cabinet-of-ministers"), ("КР Жогорку Кеңеш", "jogorku-kenesh"),
    ("мамлекеттик органдар", "state-bodies"), ("государственные органы", "state-bodies"),
    ("ЖӨБО", "local-self-government"), ("ОМСУ", "local-self-government"),
    ("укук коргоо органдары", "law-enforcement"), ("правоохранительные органы", "law-enforcement"),
    ("«Башкы  прокуратура»", "prosecutor-general"),  # quotes and double spaces do not matter
])
def test_lookup(written, agency_id):
    entry = registry().find(written)
    assert entry is not None and entry.id == agency_id


def test_renamed_bodies_keep_their_years_and_successor():
    reg = registry()
    office = reg.get("government-office")
    assert office.to_year == 2021 and office.successor == "cabinet-of-ministers"
    assert reg.get("government").successor == "cabinet-of-ministers"
    assert reg.get("cabinet-of-ministers").from_year == 2021


def test_unknown_names_are_not_guessed():
    assert registry().find("АКК") is None
    assert registry().find("Министерство чудес") is None


@pytest.mark.parametrize("raw,expected", [
    ("ЮМ, Өкмөттүн Аппараты", [("ЮМ", False), ("Өкмөттүн Аппараты", False)]),
    ("БШК (макулдашуу боюнча ), МСК", [("БШК", True), ("МСК", False)]),
    ("ЖӨБО, (макулдашуу боюнча), ӨЭУ", [("ЖӨБО", True), ("ӨЭУ", False)]),
    ("ӨЭУ (макулдашуу боюнча) КК, (макулдашуу боюнча)", [("ӨЭУ", True), ("КК", True)]),
    ("ГП (по согласованию), ОМСУ (по согласованию)", [("ГП", True), ("ОМСУ", True)]),
])
def test_split_responsible(raw, expected):
    assert split_responsible(raw) == expected


def test_resolver_prefers_the_plans_own_list_and_splits_joined_entries():
    r = Resolver({"ЮМ": "Кыргыз Республикасынын Юстиция министрлиги", "ЖӨБО": "жергиликтүү өз алдынча башкаруу органдары"}, "ky")
    refs = r.resolve_cell("ЮМ, мамлекеттик органдар жана ЖӨБО (макулдашуу боюнча), Өкмөттүн Аппараты Өкмөттүн Аппараты, ХЫЗ")
    got = [(a.abbr, a.agency_id, a.by_agreement, a.via) for a in refs]
    assert got == [
        ("ЮМ", "minjust", False, "plan"),
        ("мамлекеттик органдар", "state-bodies", False, "registry"),
        ("ЖӨБО", "local-self-government", True, "plan"),
        ("Өкмөттүн Аппараты", "government-office", False, "registry"),  # written twice, kept once
        ("ХЫЗ", None, False, None),
    ]
    assert refs[-1].resolved is False and refs[0].name == "Кыргыз Республикасынын Юстиция министрлиги"


def _mentions():
    import yaml

    from tests.conftest import ROOT

    data = yaml.safe_load((ROOT / "tests" / "fixtures" / "made-up-agency-mentions.yml").read_text(encoding="utf-8"))
    for m in data["mentions"]:
        marks = [pytest.mark.xfail(reason=m["xfail"], strict=True)] if m.get("xfail") else []
        yield pytest.param(m["text"], m["ids"], marks=marks, id=m["text"][:60])


@pytest.mark.parametrize("text,ids", list(_mentions()))
def test_find_agencies_on_made_up_mentions(text, ids):
    """Every agency a made-up report header or sentence names is found, and nothing else."""
    from pipeline.match import find_agencies

    known = {e.id for e in registry().entries}
    assert set(ids) <= known, f"fixture names ids missing from the registry: {set(ids) - known}"
    assert set(find_agencies(text)) == set(ids)
