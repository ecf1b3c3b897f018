"""The Russian–Kyrgyz glossary (rules/glossary_ru_ky.yml, pipeline/glossary.py) and what it does for matching."""
import pytest
import yaml

from pipeline.glossary import GLOSSARY, ky_stems_match, load


@pytest.fixture(scope="module")
def glossary():
    return load()


def _concept(glossary, ru_form):
    """The token of the concept whose Russian forms include ``ru_form``."""
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))["concepts"]
    for k, c in enumerate(data):
        if ru_form in c["ru"]:
            return f"c:{k}"
    raise KeyError(ru_form)


def test_file_is_well_formed_and_large():
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8"))
    concepts = data["concepts"]
    assert len(concepts) >= 300
    for c in concepts:
        assert c["ru"] and c["ky"], c
        assert all(isinstance(f, str) and f.strip() for f in c["ru"] + c["ky"]), c
        assert 0 < float(c.get("w", 1.0)) <= 1.0, c
    multiword = sum(any(" " in f for f in c["ky"]) for c in concepts)
    assert multiword >= 150


@pytest.mark.parametrize("ru,ky", [
    ("Проведена антикоррупционная экспертиза проектов", "ЧУА долбоорлоруна коррупцияга каршы экспертиза жүргүзүлдү"),
    ("Урегулирование конфликта интересов на государственной службе", "кызыкчылыктардын кагылышуусун жөнгө салуу"),
    ("лишение неприкосновенности депутатов", "депутаттардын кол тийбестигин алуу"),
    ("обучение представителей закупающих организаций", "сатып алуучу уюмдардын өкүлдөрүн окутуу"),
    ("отделы внутреннего аудита министерств", "министрликтердин ички аудит бөлүмдөрү"),
    ("заседание общественного совета", "коомдук кеңештин отуруму"),
    ("защита свидетелей и потерпевших", "күбөлөрдү жана жабырлануучуларды коргоо"),
    ("закон о защите информаторов", "маалымат бергендерди коргоо жөнүндө мыйзам"),
    ("декларирование доходов государственных служащих", "мамлекеттик кызматчылардын кирешелерин декларациялоо"),
    ("профессиональная неподкупность сотрудников", "кызматкерлердин кесиптик сатылбастыгы"),
    ("поправки в НПА органов местного самоуправления", "ЖӨБОнун ЧУАларына өзгөртүүлөр"),
    ("внедрена система электронного документооборота", "электрондук документ жүгүртүү системасы ишке киргизилди"),
])
def test_russian_and_kyrgyz_phrasings_share_their_specific_concept(glossary, ru, ky):
    ru_bag, ky_bag = glossary.bag(ru, "ru"), glossary.bag(ky, "ky")
    shared = set(ru_bag) & set(ky_bag)
    # at least one shared concept that is specific (weight 1.0), not just «коррупция»
    assert any(ru_bag[t] >= 1.0 and ky_bag[t] >= 1.0 for t in shared), (ru_bag, ky_bag)


def test_specific_concepts_are_the_right_ones(glossary):
    assert _concept(glossary, "конфликт интересов") in glossary.bag("кызыкчылыктардын кагылышы жөнүндө мыйзам", "ky")
    assert _concept(glossary, "государственные закупки") in glossary.bag("госзакупки", "ru")
    assert _concept(glossary, "внутренний аудит") not in glossary.bag("внутренний контроль", "ru")


def test_kyrgyz_stems_match_inflections_but_not_derivations_that_change_the_meaning():
    assert ky_stems_match("кагылыш", "кагылышуу")
    assert ky_stems_match("декларациялоо", "декларациялоо")
    assert not ky_stems_match("кызмат", "кызматташ")      # service ≠ cooperation
    assert not ky_stems_match("кызмат", "кызматчы")       # service ≠ servant
    assert not ky_stems_match("окутуу", "окутуучу")       # training ≠ teacher
    assert not ky_stems_match("сот", "сотко")             # short stems must be equal (the stemmer strips cases)


def test_agency_names_become_shared_tokens(glossary):
    assert "a:minjust" in glossary.bag("Министерством юстиции", "ru")
    assert "a:minjust" in glossary.bag("Юстиция министрлиги", "ky")


def test_off_topic_text_has_no_specific_concepts(glossary):
    bag = glossary.bag("Сборная заняла второе место в турнире по мини-футболу, погода была солнечной.", "ru")
    assert not [t for t, w in bag.items() if w >= 1.0]
