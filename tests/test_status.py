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


@pytest.mark.parametrize("text,lang", [
    # made up: verbs of saying and stance report a statement, not work on a measure
    ("Министр жаңы тартиптин зарылдыгын айтты.", "ky"),
    ("Фонд предлагает рассмотреть опыт соседних стран и выражает готовность участвовать в обсуждении норм.", "ru"),
    # what one can do, and a state that persists
    ("Тиркеме аркылуу салык карызын текшерүүгө болот.", "ky"),
    ("Кызматкерлердин маалымдуулугу төмөн бойдон калууда.", "ky"),
    # short participles that work as adjectives, or say what a plan provides for
    ("Ротация кадров сопряжена с трудностями.", "ru"),
    ("Порядок ротации предусмотрен планом.", "ru"),
])
def test_statements_of_speech_stance_and_state_give_no_status(text, lang):
    assert classify_status(text, lang).status == "unclear"


def test_word_forms_count_only_for_dictionary_words():
    # «айыл» (Kyrgyz: village) is not a Russian word; pymorphy would guess the past verb «айыть»
    r = classify_status("Совещание прошло в каждом айыл окмоту области.", "ru")
    assert [text for _, text in r.cues] == ["прошло"]


def test_kyrgyz_negated_participles_by_their_role():
    # the object of a statement («… иштелип чыкпаганын белгилейт»: that it was not done) reports a failure;
    # before a noun it only names who failed («тапшырбай калган эки кызматкерге»)
    assert classify_status("Коалиция мыйзам долбоору иштелип чыкпаганын белгилейт.", "ky").status == "not_done"
    assert classify_status("Декларацияны тапшырбай калган эки кызматкерге тартиптик жаза колдонулду.", "ky").status == "done"


def test_overlapping_cues_of_one_status_count_once():
    r = classify_status("Подзаконные акты ещё не приняты.", "ru")
    assert r.scores["not_done"] == 3.0        # not «ещё не» 2.5 + «не приняты» 3.0
    r = classify_status("Разработан проект постановления о порядке проверок.", "ru")
    assert r.status == "in_progress" and r.scores["in_progress"] == 1.6


def test_a_draft_going_through_a_stage_is_in_progress():
    r = classify_status("Законопроект разработан и в настоящее время проходит межведомственное согласование.", "ru")
    assert r.status == "in_progress" and ("in_progress", "проходит межведомственное согласование") in r.cues


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


@pytest.mark.parametrize("name,floor", [("made-up-status-passages.yml", 0.8), ("made-up-status-long-a.yml", 0.75)])
def test_made_up_status_set(name, floor):
    """Made-up passages written for status by people who had not seen the cues: 160 short lines (RU 0.675, KY 0.700
    before the cues were revised on them) and 100 longer mixed passages (RU 0.750, KY 0.775 before). The cues were
    revised on both, so these floors are no figures of quality, only of what was reached; the held-out half of the
    long set (made-up-status-long-b.yml) is measured by `python -m bench.status`, not here."""
    data = yaml.safe_load((Path(__file__).parent / "fixtures" / name).read_text(encoding="utf-8"))
    for lang in ("ru", "ky"):
        items = [p for p in data["passages"] if p["lang"] == lang]
        ok = sum(classify_status(p["text"], lang).status == p["status"] for p in items)
        assert ok / len(items) >= floor, (lang, ok, len(items))


@pytest.mark.parametrize("text,status", [
    # made up: a call or an instruction to do something reports no work; a plain «тапшырды» (submitted) does
    ("Премьер-министр жетекчилерди сатып алууларга өзгөчө көңүл бурууга чакырды.", "unclear"),
    ("Президент Өкмөткө ай аягына чейин сунуштарды берүүнү тапшырды.", "unclear"),
    ("Бардык кызматкерлер декларацияларын өз убагында тапшырды.", "done"),
])
def test_kyrgyz_calls_and_instructions_give_no_status(text, status):
    assert classify_status(text, "ky").status == status


def test_a_long_quotation_reports_what_was_said():
    # made up: the past and present verbs inside the quotation are no report on a measure
    text = "«Коррупция порождает недоверие к власти, и мы видели это много раз», — сказал эксперт на круглом столе."
    assert classify_status(text, "ru").status == "unclear"


def test_a_system_working_is_silent_only_beside_a_report():
    # made up: how the launched line works (present tense) does not make its launch work under way ...
    r = classify_status("Министерство создало горячую линию для сообщений о вымогательстве. Звонки принимаются "
                        "круглосуточно, каждое сообщение регистрируется и проверяется.", "ru")
    assert r.status == "done" and not any(s == "in_progress" for s, _ in r.cues)
    # ... alone, the same kind of sentence is the report of a standing activity; and «годом ранее» is no background
    assert classify_status("Ежеквартально готовится аналитическая справка о коррупционных делах.", "ru").status == "in_progress"
    assert classify_status("Количество электронных услуг составило 146 против 98 годом ранее.", "ru").status == "done"
    # what one finds at a place opened is how it works
    assert classify_status("В районе открыт центр обслуживания населения. Здесь жители получают справки и "
                           "регистрируют транспорт.", "ru").status == "done"
    # earlier events opening a sentence are background to the work going on now
    assert classify_status("Министерство разрабатывает реестр закупок. Ранее министерство провело аудит закупок.",
                           "ru").status == "in_progress"


def test_present_verbs_of_cause_and_prohibition_report_no_work():
    # made up: an opinion and what a law forbids, no activity of an agency
    text = ("Эксперты сходятся во мнении, что законодательство запрещает служащим участвовать в таких решениях, "
            "но механизм проверки вызывает вопросы.")
    assert classify_status(text, "ru").status == "unclear"
    assert classify_status("Министерство проводит проверку деклараций.", "ru").status == "in_progress"


def test_kyrgyz_done_in_only_part_of_the_places_is_in_progress():
    # made up: «12 райондун үчөөндө гана» (in three of twelve only)
    assert classify_status("Жаңы тартип 12 райондун үчөөндө гана колдонулду.", "ky").status == "in_progress"
    assert classify_status("Жаңы тартип бардык райондордо колдонулду.", "ky").status == "done"


def test_a_passage_about_a_measure_aim_needs_a_firm_report():
    # made up: the aim, the means and the executor of a measure; «определено», «будет» and «аныкталган» are weak
    assert classify_status("Целью мероприятия является снижение рисков при выдаче разрешений. Ответственным "
                           "исполнителем определено министерство экономики.", "ru").status == "unclear"
    assert classify_status("Задачами программы на 2019–2021 годы являются повышение прозрачности кадровых решений. "
                           "Программа будет реализовываться за счет бюджета.", "ru").status == "unclear"
    assert classify_status("Иш-чаранын максаты — тобокелдиктерди азайтуу. Жооптуу аткаруучу катары Экономика "
                           "министрлиги аныкталган.", "ky").status == "unclear"
    # a firm report beside the aim still counts
    assert classify_status("Целью мероприятия является снижение рисков. Регламент утвержден и внедрен во всех "
                           "управлениях.", "ru").status == "done"


@pytest.mark.parametrize("text,lang,status", [
    # made up: a closing sentence of next steps after work done does not undo it ...
    ("Семинар для 40 служащих проведен в марте. В дальнейшем планируется охватить все районы.", "ru", "done"),
    ("Ош шаарында жаңы филиал ачылды. Келерки жылы башка райондордо да ачуу пландалууда.", "ky", "done"),
    # ... plans alone, or beside work still going on in the same sentence, are work to come
    ("В следующем году планируется провести семинары во всех районах.", "ru", "in_progress"),
    ("Система тестируется в трех поликлиниках, до конца года планируется подключить еще 20.", "ru", "in_progress"),
])
def test_next_steps_after_work_done(text, lang, status):
    assert classify_status(text, lang).status == status


def test_a_negated_present_weighs_less_than_a_failure():
    # made up: how a published register works («не проверяются») does not make its publication a failure ...
    r = classify_status("Реестр бенефициарных владельцев опубликован. Сведения в нем вносятся самими компаниями "
                        "и не проверяются.", "ru")
    assert r.status == "done" and r.scores["not_done"] == 0.5
    # ... while alone it still says nothing is being done, and a listed failure keeps its weight
    assert classify_status("Сведения деклараций с реестрами не сверяются.", "ru").status == "not_done"
    assert classify_status("Реестр опубликован, но портал не работает.", "ru").status == "not_done"


def test_a_listed_stage_after_ne_is_work_not_carried_out():
    # made up: «проводятся» is a listed stage; after «не» it says the work is not being done
    r = classify_status("Обучающие семинары для сотрудников не проводятся уже два года.", "ru")
    assert r.status == "not_done" and ("not_done", "не проводятся") in r.cues
    assert classify_status("Обучающие семинары для сотрудников проводятся ежемесячно.", "ru").status == "in_progress"


@pytest.mark.parametrize("text,lang,status", [
    # made up (user audit 2, finding 8): done in part is work under way, whatever verb of result it uses ...
    ("Сведения о закупках опубликованы не полностью: из 148 закупок на сайте размещены лишь 40.", "ru", "in_progress"),
    ("Регламент внедрен не в полной мере.", "ru", "in_progress"),
    ("Электронная очередь внедрена лишь в 3 из 20 больниц.", "ru", "in_progress"),
    ("Обучено только 45 сотрудников из 60 запланированных.", "ru", "in_progress"),
    ("Реестр частично опубликован.", "ru", "in_progress"),
    ("Маалыматтар расмий сайтка толук эмес жарыяланды.", "ky", "in_progress"),
    # ... while a whole result, or «лишь» without a share, stays done
    ("Отчет подготовлен и опубликован полностью.", "ru", "done"),
    ("По итогам проверки выявлено лишь 2 нарушения.", "ru", "done"),
    # the past passive of «-ла/-да» verbs (жарыяла-н-ды, даярда-л-ды) is a result ...
    ("Дары-дармек каражаттарын сатып алуулар тууралуу маалыматтар расмий сайтта жарыяланды.", "ky", "done"),
    ("Ведомстволор аралык нускама даярдалды.", "ky", "done"),
    ("Ар бир ооруканадагы кезек катталды.", "ky", "done"),
    # ... a noun in the accusative is not, nor is the second half of a pair word an intention («дары-дармек»)
    ("Дары-дармек сатып алуу планы", "ky", "unclear"),
    ("Планды жана органды бекитүү маселеси", "ky", "unclear"),
])
def test_partial_completion_and_kyrgyz_passive_of_la_verbs(text, lang, status):
    assert classify_status(text, lang).status == status
