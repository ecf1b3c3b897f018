"""The matcher's abstention model (pipeline.match.abstain_features / logistic_probability, fitted by
bench.match_calibrate into rules/match_abstain.yml) and the measure fields it scores."""
import math

import numpy as np
import pytest

from pipeline.match import (ABSTAIN_MODELS, NEIGHBOUR_FEATURES, MeasureIndex, abstain_features, load_config,
                            load_plan, logistic_probability, measure_fields, neighbour_features)
from pipeline.match_examples import Example
from tests.conftest import ROOT, SEED_PLAN

@pytest.fixture(scope="module")
def plan():
    return load_plan(SEED_PLAN)


LEXICAL_CHANNELS = {"terms", "terms_bm25", "shadow", "shadow_bm25", "chars"}


def test_every_profile_and_pair_has_a_complete_model_over_known_features():
    assert "WRITTEN BY" in ABSTAIN_MODELS.read_text(encoding="utf-8").splitlines()[0]
    cfg = load_config()
    for profile in ("lexical", "embed"):
        for pair in ("same", "cross"):
            a = cfg["abstain"][profile][pair]
            n = len(a["features"])
            assert n == len(a["coef"]) == len(a["mean"]) == len(a["scale"]) and 0 < a["cut"] < 1
            channels = {f[4:] for f in a["features"] if f.startswith("raw_")}
            per_channel = {f"{k}_{c}" for k in ("raw", "rel", "top", "gap") for c in channels}
            # kNN evidence (neighbour_features) is read over the `examples` similarities only, and never by the
            # models of a plan without worked examples (it has no off-plan memory either)
            neighbours = {f"{k}{c}" for k in NEIGHBOUR_FEATURES for c in ("examples", "examples_terms")}
            assert set(a["features"]) - per_channel <= {"z", "margin", "words"} | neighbours
            assert not set(cfg["abstain"][profile][pair + "_no_examples"]["features"]) & neighbours
            assert a.get("cut_rule", "each") in ("each", "pooled", "mean")
            assert LEXICAL_CHANNELS <= channels
            assert profile == "embed" or not any(c.startswith("embed") for c in channels)


def test_logistic_probability_is_the_standardised_sigmoid_and_missing_features_sit_at_the_mean():
    model = {"features": ["z", "raw_terms"], "coef": [2.0, -1.0], "mean": [1.0, 0.5], "scale": [0.5, 0.25],
             "intercept": 0.5, "cut": 0.5}
    t = 0.5 + 2.0 * (2.0 - 1.0) / 0.5 - 1.0 * (1.0 - 0.5) / 0.25
    assert logistic_probability(model, {"z": 2.0, "raw_terms": 1.0}) == pytest.approx(1 / (1 + math.exp(-t)))
    assert logistic_probability(model, {}) == pytest.approx(1 / (1 + math.exp(-0.5)))


def test_features_read_the_best_measure_and_its_lead():
    total = np.array([0.0, 3.0, 1.0, -1.0, 0.5])
    f = abstain_features(total, {"terms": np.array([0.1, 0.7, 0.2, 0.0, 0.0])}, n_words=20)
    assert f["raw_terms"] == pytest.approx(0.7) and f["rel_terms"] == pytest.approx(0.7 - 0.2)
    assert f["z"] == pytest.approx(3.0 / 2) and f["margin"] == pytest.approx(2.0 / 2)   # /√(n−1), n = 5
    assert f["words"] == pytest.approx(math.log(21))
    assert "words" not in abstain_features(total, {})
    # the channel on its own: its best value wherever it is (0.7, at the best measure here) and its lead
    assert f["top_terms"] == pytest.approx(0.7) and f["gap_terms"] == pytest.approx(0.7 - 0.2)
    g = abstain_features(total, {"examples": np.array([0.9, 0.5, 0.2, 0.85, 0.0])})
    assert g["raw_examples"] == pytest.approx(0.5) and g["top_examples"] == pytest.approx(0.9)
    assert g["gap_examples"] == pytest.approx(0.05)


def test_neighbour_features_weigh_the_nearest_on_plan_against_the_nearest_off_plan_passages():
    # a memory of 3 on-plan and 3 off-plan passages in two languages; the passage is nearest to an off-plan one
    sims = {"examples": np.array([0.80, 0.70, 0.95, 0.90, 0.60, 0.99])}
    off = np.array([False, False, False, True, True, True])
    ru = np.array([True, True, False, True, True, False])   # the 3rd and 6th are Kyrgyz: not seen
    f = neighbour_features(sims, off, ru, k=1, knn=3)
    assert f["near_on_examples"] == pytest.approx(0.80) and f["near_off_examples"] == pytest.approx(0.90)
    assert f["near_lead_examples"] == pytest.approx(-0.10)
    assert f["knn_off_examples"] == pytest.approx(1 / 3)   # 0.90 (off), 0.80 (on), 0.70 (on)
    g = neighbour_features(sims, off, ru, k=2, knn=1)
    assert g["near_on_examples"] == pytest.approx(0.75) and g["knn_off_examples"] == 1.0
    # nothing on one side: no evidence, the features sit at the model's mean
    assert neighbour_features(sims, off, ru & off) == {}


def test_an_index_reads_its_off_plan_memory_in_the_passage_language(plan):
    # made-up memory: two on-plan report lines and two off-plan ones (routine work), Russian; one Kyrgyz off-plan
    on = [Example("Сотрудники министерства прошли тренинг по конфликту интересов и этике госслужащих.", "ru",
                  ("16",), "t", "brief"),
          Example("Открыт ящик доверия для жалоб граждан на вымогательство взяток в ЦОНе.", "ru", ("27.3",), "t",
                  "brief")]
    off = [Example("В здании министерства проведен субботник, сотрудники убрали двор и покрасили забор.", "ru", (),
                   "t", "report"),
           Example("Министерство провело санитарную обработку помещений и заменило окна в архиве.", "ru", (), "t",
                   "report"),
           Example("Министрлик имаратынын короосун тазалоо иш-чарасын өткөрдү.", "ky", (), "t", "report")]
    cfg = dict(load_config(), neighbours={"top_k": 1, "knn": 1})   # a memory of 4: the nearest alone
    index = MeasureIndex(plan, config=cfg, embed=False, examples=on, counterexamples=off)
    cleaning = index.neighbours("Сотрудники министерства провели субботник и убрали двор у здания.", "ru")
    training = index.neighbours("Проведен тренинг для госслужащих по конфликту интересов.", "ru")
    assert cleaning["near_lead_examples_terms"] < 0 < training["near_lead_examples_terms"]
    assert cleaning["knn_off_examples_terms"] == 1.0 and training["knn_off_examples_terms"] == 0.0
    # a Kyrgyz passage sees only the Kyrgyz memory, which has no on-plan passage here: no evidence
    assert index.neighbours("Министрлик короону тазалады.", "ky") == {}
    # no worked examples, no off-plan memory: a plan nobody wrote examples for reads none
    assert MeasureIndex(plan, embed=False, examples=[], counterexamples=off).neighbours("субботник", "ru") == {}


def test_cut_rules_on_a_small_score_table():
    from bench.match_calibrate import abstention_cut

    # out-of-fold probabilities of two off-plan kinds: 4 `news` items sit high, 8 `clip`s low
    off = {"news": np.array([0.2, 0.6, 0.7, 0.8]), "clip": np.array([0.1, 0.1, 0.1, 0.1, 0.1, 0.2, 0.3, 0.4])}

    def rates(cut):
        return {k: float((p < cut).mean()) for k, p in off.items()}

    each = abstention_cut(off, 0.75, "each")
    pooled = abstention_cut(off, 0.75, "pooled")
    mean = abstention_cut(off, 0.75, "mean")
    # `each`: every kind ≥ 0.75 (news sets it); `pooled`: 9 of 12 passages; `mean`: the kinds' average
    assert min(rates(each).values()) >= 0.75 - 1e-9
    everything = np.concatenate(list(off.values()))
    assert np.mean(everything < pooled) == 0.75 and rates(pooled)["news"] == 0.25   # the many clips carry it
    assert np.mean(list(rates(mean).values())) >= 0.75
    # the lowest cut that meets its floor: a hair lower and the average falls under it
    assert np.mean(list(rates(mean - 1e-6).values())) < 0.75
    # a floor on every kind costs the most on-plan passages: its cut is the highest
    assert each > mean and each > pooled
    with pytest.raises(ValueError):
        abstention_cut(off, 0.75, "median")


def test_long_news_item_about_a_measure_is_kept_and_long_off_plan_news_abstains():
    # the abstention model reads the passage's length: a long story on a measure is not abstained for being
    # less similar than a one-line report, and a long story about an arrest is not kept for sharing words
    index = MeasureIndex(load_plan(SEED_PLAN), embed=False)
    on = ("Бишкек, 4 апреля. Министерство юстиции подвело итоги года. «Мы проверили на коррупциогенность 1 100 "
          "проектов нормативных актов, в каждом четвертом нашли лазейки для злоупотреблений», — рассказала "
          "директор департамента Айгуль Сатыбалдиева. Заключения экспертизы размещены на сайте ведомства, к работе "
          "привлечены общественные эксперты. Ранее такие заключения не публиковались.")
    off = ("Ош, 12 мая. Сотрудники ГКНБ задержали заместителя начальника городского отдела архитектуры при получении "
           "2 тысяч долларов. По данным ведомства, он требовал деньги у застройщика за подпись на акте приемки. "
           "«Купюры были помечены заранее», — сообщил представитель службы. Возбуждено уголовное дело, задержанный "
           "водворен в изолятор, его адвокат заявил, что клиент вину не признает.")
    assert index.match({"id": "on", "lang": "ru", "text": on}).refs[0].ref == "16"
    assert index.match({"id": "off", "lang": "ru", "text": off}).refs == []


def test_clear_report_passage_is_kept_and_unrelated_news_abstains():
    index = MeasureIndex(load_plan(SEED_PLAN), embed=False)
    kept = index.match({"id": "a", "lang": "ru", "text": "Юристы министерства провели антикоррупционную экспертизу "
                        "412 проектов нормативных правовых актов, заключения размещены на сайте."})
    assert kept.refs
    off = index.match({"id": "b", "lang": "ru", "text": "Курс доллара на межбанковских торгах вырос до 70 сомов."})
    assert off.refs == []


@pytest.mark.parametrize("plan_path", [SEED_PLAN, ROOT / "tests" / "fixtures" / "made-up-plan-2025.ru.html"])
def test_section_titles_reach_every_measure(plan_path):
    plan = load_plan(plan_path)
    titles = {s.number: s.title for s in plan.sections}
    assert titles and all(measure_fields(m, titles)["section"] == titles[m.section] for m in plan.measures)
