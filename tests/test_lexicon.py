"""The mined Russian–Kyrgyz lexicon (pipeline/lexicon.py, models/artifacts/ru-ky-lexicon.tsv)."""
import pytest

from pipeline import lexicon
from tests.conftest import DOCX


def test_terms_are_lemmas_and_stems_without_function_words():
    assert lexicon.terms("Министерством юстиции проведены семинары для судей", "ru") == [
        "министерство", "юстиция", "провести", "семинар", "судья"]
    ky = lexicon.terms("Кыргыз Республикасынын мыйзамдарына ылайык жана", "ky")
    assert "жана" not in ky and "ылайык" not in ky and any(t.startswith("мыйзам") for t in ky)


def test_committed_lexicon_has_core_legal_terms():
    lex = lexicon.load()
    ru2ky = lex["ru2ky"]
    assert len(ru2ky) > 2000
    for ru, ky in [("закон", "мыйзам"), ("решение", "чечим"), ("государственный", "мамлекеттик"),
                   ("суд", "сот"), ("постановление", "токтом"), ("проект", "долбоор"), ("принять", "кабыл")]:
        assert ky in ru2ky[ru], (ru, ru2ky.get(ru))
    assert "закон" in lex["ky2ru"]["мыйзам"]


@pytest.mark.slow
def test_mining_one_parallel_pair_finds_translations(shared, tmp_path):
    units = lexicon.aligned_units(DOCX / "family-code-2003-201.ru.docx", DOCX / "family-code-2003-201.ky.docx")
    assert len(units) > 300
    entries = lexicon.mine(units)
    best = {}
    for e in entries:
        if e.score > best.get(e.ru, ("", 0))[1]:
            best[e.ru] = (e.ky, e.score)
    assert best["суд"][0] == "сот"
    assert best["ребенок"][0].startswith("бала")
    assert best["брак"][0].startswith("нике")
    out = tmp_path / "lex.tsv"
    lexicon.write_tsv(entries, out)
    loaded = lexicon.load(str(out))
    assert "сот" in loaded["ru2ky"]["суд"]
