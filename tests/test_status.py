"""Status cues (pipeline/match_status.py, rules/status_cues.yml)."""
import re
from pathlib import Path

import pytest
import yaml

from pipeline.match_status import RULES, aggregate_status, classify_status, load_cues


@pytest.mark.parametrize("text,lang,status", [
    ("Закон принят и подписан Президентом.", "ru", "done"),
    ("В 2015 году обучено 3 549 человек.", "ru", "done"),
    ("Проект закона не был принят Жогорку Кенешем.", "ru", "not_done"),
    ("Мероприятие не исполнено в связи с отсутствием финансирования.", "ru", "not_done"),
    ("Проект постановления направлен на согласование в министерства.", "ru", "in_progress"),
    ("Работа по созданию базы данных продолжается.", "ru", "in_progress"),
    ("Мыйзам кабыл алынды.", "ky", "done"),
    ("Семинарлар өткөрүлдү.", "ky", "done"),
    ("Мыйзамдын долбоору каралууда.", "ky", "in_progress"),
    ("Иш-чара аткарылган жок.", "ky", "not_done"),
    ("Свердловский районный суд Бишкека рассмотрел дело.", "ru", "unclear"),
])
def test_classify(text, lang, status):
    assert classify_status(text, lang).status == status


def test_a_measure_aim_is_no_result():
    # «направлено на повышение …» and «… күчөтүүгө багытталган» state what a measure is for
    assert classify_status("Мероприятие направлено на повышение прозрачности закупок.", "ru").status == "unclear"
    assert classify_status("Иш-чара коомдук кеңештердин ишин күчөтүүгө багытталган.", "ky").status == "unclear"


def test_kyrgyz_endings_do_not_read_russian_words():
    # «году.», «президенту.» end like a Kyrgyz past verb (-ду, -ту)
    r = classify_status("Систему обещают внедрить в 2017 году.", "ru")
    assert r.status == "in_progress" and not any(s == "done" for s, _ in r.cues)


def test_on_the_same_words_the_listed_cue_beats_the_generic_ending():
    # «токтотулду» is a past passive (done by its ending) but listed as not done
    assert classify_status("Каражат жетишсиздигинен улам иш токтотулду.", "ky").status == "not_done"


def test_longest_cue_wins_over_the_cue_inside_it():
    r = classify_status("Обучение не проведено.", "ru")
    assert r.status == "not_done"
    assert ("not_done", "не проведено") in r.cues and not any(s == "done" for s, _ in r.cues)


def test_kyrgyz_accusative_is_not_a_past_passive():
    # «планды» / «органды» end like «-нды» but are nouns in the accusative
    assert classify_status("Планды бекитүү жөнүндө маселе", "ky").status == "unclear"


def test_kyrgyz_locative_noun_is_not_the_progressive():
    # made up: «жолугушууда» (at the meeting) ends like the progressive «талкууланууда» but stands inside its
    # clause; the progressive is the predicate, last in its clause
    assert classify_status("Жолугушууда министр жаңы тартипти сунуштады.", "ky").status == "done"
    assert classify_status("Жаңы тартип министрликте талкууланууда, жыйынтыгы күзүндө белгилүү болот.", "ky").status == "in_progress"


def test_aggregate_prefers_done_then_in_progress():
    assert aggregate_status(["not_done", "in_progress"]) == "in_progress"
    assert aggregate_status(["unclear", "done", "not_done"]) == "done"
    assert aggregate_status([]) == "unclear"


def test_rule_file_has_both_languages_for_every_status_and_valid_regexes():
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))["cues"]
    assert set(data) == {"done", "in_progress", "not_done", "neutral"}
    for status, by_lang in data.items():
        assert set(by_lang) == {"ru", "ky"}, status
        for cues in by_lang.values():
            for c in cues:
                re.compile(c["re"])
                assert c["w"] > 0
    assert load_cues()["ky"]["not_done"]


@pytest.mark.parametrize("text,lang,status", [
    # word forms read by morphology, not listed one by one
    ("Рассмотрено 64 обращения предпринимателей.", "ru", "done"),
    ("Министерство провело три семинара для служащих.", "ru", "done"),
    ("Работа по инвентаризации регламентов ведется.", "ru", "in_progress"),
    ("Законопроект не внесен в Жогорку Кенеш.", "ru", "not_done"),
    ("Бишкек является столицей.", "ru", "unclear"),
    ("Депутат заявил о росте коррупции.", "ru", "unclear"),
    # Kyrgyz: a past predicate closing the sentence; the passive imperative of a resolution
    ("Министрлик үч семинар өткөрдү.", "ky", "done"),
    ("Этика кодекси бекитилсин.", "ky", "done"),
    ("Мыйзам долбоору Жогорку Кеңештин кароосунда.", "ky", "in_progress"),
    # past imperfective: activity carried out in the period; present active: work going on
    ("В отчетном периоде проводились семинары для служащих.", "ru", "done"),
    ("Министерство осуществляет мониторинг деклараций.", "ru", "in_progress"),
    ("Комиссия находится в Бишкеке и имеет пять членов.", "ru", "unclear"),
    ("Суд рассматривал дело три месяца.", "ru", "unclear"),
    ("Количество обученных составило 1 200 человек.", "ru", "done"),
    ("Мероприятие носит формальный характер.", "ru", "not_done"),
    # Kyrgyz: the pluperfect; the present-future passive closing a sentence; «-ган эмес», «-бай калды»
    ("Семинар 2016-жылы өткөрүлгөн эле.", "ky", "done"),
    ("Декларацияларга мониторинг жыл сайын жүргүзүлөт.", "ky", "in_progress"),
    ("Иш-чара аткарылган эмес.", "ky", "not_done"),
    ("Иш-чара каржы жоктугунан аткарылбай калды.", "ky", "not_done"),
    # mixed passages: partial completion, a check that found nothing, a system running since a date, «not yet»
    ("Мероприятие исполнено частично: методика утверждена в трех министерствах.", "ru", "in_progress"),
    ("В ходе проверки нарушений сроков рассмотрения обращений не выявлено.", "ru", "done"),
    ("Иш-чара жарым-жартылай аткарылды.", "ky", "in_progress"),
    ("Электрондук кезек 2016-жылдан бери бардык борборлордо иштеп келет.", "ky", "done"),
    ("Өзгөртүүлөр Жогорку Кеңеш тарабынан кабыл алына элек.", "ky", "not_done"),
    ("Семинарлар III кварталда өткөрүлмөк, бирок 2017-жылга жылдырылды.", "ky", "not_done"),
])
def test_classify_word_forms(text, lang, status):
    assert classify_status(text, lang).status == status


KY_DRAFT_MEASURE = "Маалымат бергендерди коргоо жөнүндө мыйзамдын долбоорун иштеп чыгуу;"      # made up after 9.1
KY_CHANGE_MEASURE = "Саясий партиялар жөнүндө Мыйзамына өзгөртүүлөрдү киргизүү;"
RU_DRAFT_MEASURE = "Разработать проект закона о защите лиц, сообщивших о коррупции."


@pytest.mark.parametrize("text,lang,measure,status", [
    # a draft is the output of a drafting measure, a step of one that asks for the change
    ("Проект закона о защите заявителей разработан и внесен в Правительство.", "ru", RU_DRAFT_MEASURE, "done"),
    ("Проект закона о защите заявителей разработан и внесен в Правительство.", "ru", KY_CHANGE_MEASURE, "in_progress"),
    ("Законопроект разработан Министерством юстиции.", "ru", KY_DRAFT_MEASURE, "done"),
    ("Законопроект разработан Министерством юстиции.", "ru", KY_CHANGE_MEASURE, "in_progress"),
    ("Мыйзамдын долбоору иштелип чыкты.", "ky", KY_DRAFT_MEASURE, "done"),
    ("Мыйзамдын долбоору иштелип чыкты.", "ky", KY_CHANGE_MEASURE, "in_progress"),
    ("Мыйзамдын долбоору иштелип чыкты.", "ky", "", "in_progress"),
    # a draft stuck is not done whatever the measure
    ("Законопроект так и не внесен в Жогорку Кенеш.", "ru", RU_DRAFT_MEASURE, "not_done"),
])
def test_a_reported_draft_reads_by_what_the_measure_asks(text, lang, measure, status):
    assert classify_status(text, lang, measure).status == status


def test_seed_plan_drafting_measures_are_told_from_amendments():
    from pipeline.match_status import asks_for_draft
    from pipeline.plan import parse_plan
    from tests.conftest import SEED_PLAN

    measures = {m.ref: m.text for m in parse_plan(SEED_PLAN).measures}
    assert asks_for_draft(measures["9.1"])          # «… мыйзамдын долбоорун иштеп чыгуу»
    assert not asks_for_draft(measures["1.1"])      # «… Мыйзамына … өзгөртүүлөрдү киргизүү»
    assert 0 < sum(map(asks_for_draft, measures.values())) < len(measures) / 4


def test_made_up_status_set():
    """160 made-up passages written for status by someone who had not seen the cues (RU 0.675, KY 0.700 before the
    cues were revised on it, so these floors are no longer a held-out figure: they keep what was reached)."""
    data = yaml.safe_load((Path(__file__).parent / "fixtures" / "made-up-status-passages.yml").read_text(encoding="utf-8"))
    for lang in ("ru", "ky"):
        items = [p for p in data["passages"] if p["lang"] == lang]
        ok = sum(classify_status(p["text"], lang).status == p["status"] for p in items)
        assert ok / len(items) >= 0.8, (lang, ok, len(items))
