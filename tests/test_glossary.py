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


# Practice vocabulary: what a press release or a report line calls the work (instrument, event, system) and the
# words of the measure it carries out fall into one concept (issue 5). Kyrgyz sides are plan wordings or
# Kyrgyz press phrasings; the concept is named by one of its Russian forms.
@pytest.mark.parametrize("ru,ky,concept", [
    ("Открыт новый ЦОН, услуги оказываются по принципу одного окна", "«бирдиктүү терезе» принцибинин негизинде", "единое окно"),
    ("В ЦОНе работает единое окно", "Калкты тейлөө борборунда кызмат көрсөтүлөт", "единое окно"),
    ("в отделах внедрена электронная очередь", "кызмат адамдары менен кардарлардын жеке байланышын чектөө механизмин", "личный контакт"),
    ("во всех подразделениях установлены ящики доверия", "жарандарды колдоонун натыйжалуу механизмин ишке киргизүү", "телефон доверия"),
    ("работает горячая линия", "ишеним кутулары орнотулду", "телефон доверия"),
    ("проведен выездной семинар для сотрудников", "сатып алуучу уюмдардын кызмат адамдарын окутуу", "обучение"),
    ("заседания коллегии доступны в режиме видеотрансляции", "мамлекеттик органдардын ишинин ачык-айкындуулугун камсыз кылуу", "прозрачность"),
    ("заседание общественного наблюдательного совета", "мамлекеттик органдардын КК мүчөлөрүн окутуу", "общественный совет"),
    ("изданы буклеты, размещена социальная реклама", "коррупцияга каршы үгүттөө боюнча программалар", "антикоррупционная пропаганда"),
    ("проведена разъяснительная работа среди населения", "коррупцияга каршы агартуу", "антикоррупционное просвещение"),
    ("на информационных стендах размещен прейскурант", "жалпыга жеткиликтүү жерлерде акы төлөнүүчү кызмат көрсөтүүлөрдүн тизмесин жайгаштыруу", "информационный стенд"),
    ("на информационных стендах размещен прейскурант", "жалпыга жеткиликтүү жерлерде акы төлөнүүчү кызмат көрсөтүүлөрдүн тизмесин жайгаштыруу", "платные услуги"),
    ("внесены изменения в Уголовный кодекс", "жазык мыйзамдарында аларды криминалдаштыруу", "уголовное законодательство"),
    ("законопроект размещен на портале общественного обсуждения", "онлайн режиминде комментарийлерди берүү мүмкүнчүлүгүн берүү менен мыйзам долбоорлорун жарыялоо", "онлайн-обсуждение"),
    ("внедрены ККМ и электронные счета-фактуры", "жашыруун жана мыйзамсыз өндүрүлгөн товарларды аныктоо", "теневая экономика"),
    ("прошли встречи с населением", "жергиликтүү кеңештердин депутаттары менен жолугушууларды өткөрүү", "встреча"),
    ("подписано соглашение о сотрудничестве с НПО", "ЖКИнын өз ара аракеттенүүлөрү боюнча меморандумдарды түзүү", "меморандум"),
    ("выдано заключение антикоррупционной экспертизы", "экспертизалардын жыйынтыктарын жарыялоону камсыз кылуу", "заключение экспертизы"),
])
def test_practice_words_meet_the_measure_wording(glossary, ru, ky, concept):
    token = _concept(glossary, concept)
    assert token in glossary.bag(ru, "ru"), glossary.bag(ru, "ru")
    assert token in glossary.bag(ky, "ky"), glossary.bag(ky, "ky")


@pytest.mark.parametrize("text,lang,concept", [
    ("Дүйнөлүк көчмөндөр оюндары башталды", "ky", "местный уровень"),        # nomads, not «көчмө» (visiting)
    ("документтер электрондук түрдө кабыл алынды", "ky", "телефон доверия"),  # accepted, not «кабылдама» (reception)
    ("ишенимдүү маалыматтар", "ky", "телефон доверия"),                        # reliable, not «ишеним кутусу»
    ("2016-жылдын 1-чейрегинде", "ky", "регулярно"),                           # a quarter's report is not regularity
    ("проведена выездная налоговая проверка", "ru", "местный уровень"),
    ("в горах прошел сход лавин", "ru", "встреча"),
    ("выплачено пособие по безработице", "ru", "учебно-методическая литература"),
    ("команда заняла место на турнире", "ru", "местный уровень"),
])
def test_practice_forms_do_not_swallow_near_misses(glossary, text, lang, concept):
    assert _concept(glossary, concept) not in glossary.bag(text, lang)
