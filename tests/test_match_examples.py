"""The matcher's worked examples (corpus/match_examples, pipeline.match_examples): which plan gets them, the
`examples` channels, and the calibration bench's mask that keeps a passage from seeing itself."""
import copy

import numpy as np
import pytest
import yaml

from pipeline.match import MeasureIndex, load_config, load_plan
from pipeline.match_examples import EXAMPLES_DIR, Example, aggregate_examples, example_links, plan_examples
from tests.conftest import ROOT, SEED_PLAN

SMALL_PLAN = ROOT / "tests" / "fixtures" / "made-up-plan-2025.ru.html"


@pytest.fixture(scope="module")
def plan():
    return load_plan(SEED_PLAN)


@pytest.fixture(scope="module")
def index(plan):
    # top_k 1: a passage identical to an example scores 1.0 at that example's measures
    cfg = copy.deepcopy(load_config())
    cfg["examples"] = {"top_k": 1}
    return MeasureIndex(plan, config=cfg, embed=False)


def test_examples_are_made_up_package_data_for_the_seed_plan_only(plan):
    index = yaml.safe_load((EXAMPLES_DIR / "index.yml").read_text(encoding="utf-8"))
    for name in index["files"]:
        assert "MADE UP" in (EXAMPLES_DIR / name).read_text(encoding="utf-8").splitlines()[0]
        assert not (ROOT / "tests" / "fixtures" / name).exists()   # moved, not copied
    # the held-out halves stay test data and are never memory
    for name in ("made-up-match-independent-b.yml", "made-up-match-independent-c.yml", "made-up-match-blind-b.yml"):
        assert (ROOT / "tests" / "fixtures" / name).exists() and name not in index["files"]
    examples = plan_examples(plan)
    refs = {m.ref for m in plan.measures}
    assert len(examples) >= 400 and {e.lang for e in examples} == {"ru", "ky"}
    assert all(e.refs and set(e.refs) <= refs for e in examples)
    assert len({r for e in examples for r in e.refs}) >= 0.9 * len(refs)
    # another plan, even with item numbers in common, gets none
    assert plan_examples(load_plan(SMALL_PLAN)) == []


def test_a_passage_identical_to_an_example_ranks_its_measure_first_on_that_channel_alone(index):
    rng = np.random.default_rng(0)
    for j in rng.choice(len(index.examples), 12, replace=False):
        e = index.examples[j]
        ch = index.channel_scores(e.text, e.lang)
        total = index.combine(ch, e.lang, weights={"examples_terms": 1.0})
        assert index.refs[int(np.argmax(total))] in e.refs, e


def test_examples_given_to_the_index_are_its_memory(plan):
    made_up = [Example("Сотрудники прошли тренинг по этике в учебном центре министерства.", "ru", ("16",), "t", "brief"),
               Example("Открыт ящик доверия для жалоб граждан на взятки в ЦОНе.", "ru", ("27.3",), "t", "brief")]
    index = MeasureIndex(plan, embed=False, examples=made_up)
    ch = index.channel_scores("В ЦОНе открыт ящик доверия для жалоб на взятки.", "ru")
    assert index.refs[int(np.argmax(ch["examples_terms"]))] == "27.3"
    # every measure without an example sits at the floor: the lowest of those with one
    assert np.isclose(ch["examples_terms"].min(), ch["examples_terms"][index.refs.index("16")])
    assert (ch["examples_terms"] == ch["examples_terms"].min()).sum() == len(index.refs) - 1


def test_a_plan_without_examples_gets_a_flat_channel_that_leaves_the_sum():
    index = MeasureIndex(load_plan(SMALL_PLAN), embed=False)
    assert index.examples == []
    text = "Отчеты о результатах антикоррупционного мониторинга опубликованы на сайте."
    ch = index.channel_scores(text, "ru")
    assert not np.ptp(ch["examples_terms"])
    assert np.allclose(index.combine(ch, "ru", weights={"terms": 0.5, "examples_terms": 1.0}),
                       index.combine(ch, "ru", weights={"terms": 0.5}))
    # not a feature the abstention model reads as «no similarity»: it sits at its mean
    model = {"features": ["raw_examples_terms"], "coef": [5.0], "mean": [0.4], "scale": [0.1], "intercept": 0.0}
    total = index.combine(ch, "ru")
    assert index.abstain_probability(total, ch, "ru", text, model) == pytest.approx(0.5)


def test_aggregate_examples_masks_floors_and_averages_the_top_k():
    links = example_links([Example("a", "ru", ("1",), "f", "brief"), Example("b", "ru", ("1", "2"), "f", "brief"),
                           Example("c", "ky", ("2",), "f", "brief")], ["1", "2", "3"])
    sims = np.array([[0.9, 0.5, 0.3], [0.2, 0.4, 0.8]])
    assert np.allclose(aggregate_examples(sims, links, 2), [[0.7, 0.4, 0.4], [0.3, 0.6, 0.3]])
    assert np.allclose(aggregate_examples(sims, links, 1), [[0.9, 0.5, 0.5], [0.4, 0.8, 0.4]])
    # row 0 is example 0: masked, measure 1 keeps example 1 only
    mask = np.array([[True, False, False], [False, False, False]])
    assert np.allclose(aggregate_examples(sims, links, 1, mask)[0], [0.5, 0.5, 0.5])
    # nothing left: flat
    assert not aggregate_examples(sims[0], links, 1, np.ones(3, dtype=bool)).any()


def test_calibration_mask_keeps_a_passage_from_its_own_example_its_translation_and_the_held_out_fold():
    from bench.match_calibrate import memory_mask, own_examples

    examples = [Example("Тренинг проведен.", "ru", ("16",), "reports.yml", "brief"),
                Example("Тренинг өткөрүлдү.", "ky", ("16",), "reports.yml", "brief"),       # its translation
                Example("Семинар өткөрүлдү.", "ky", ("16",), "other.yml", "clip"),           # another writer's
                Example("Ящик доверия открыт.", "ru", ("27.3",), "reports.yml", "brief")]
    rows = [{"text": "Тренинг проведен."}, {"text": "Ящик доверия открыт."}, {"text": "Пожар потушен."}]
    own = own_examples(rows, "ru", examples)
    assert [list(o) for o in own] == [[0, 1], [3], []]
    mask = memory_mask(own, len(examples))
    assert mask[0].tolist() == [True, True, False, False] and mask[2].tolist() == [False] * 4
    # within a fold holding out row 1, nobody sees row 1's example
    fold = memory_mask(own, len(examples), held_out=[1])
    assert fold[:, 3].all() and fold[0, :2].all() and not fold[2, :3].any()


def test_bench_rows_never_score_their_own_example(plan):
    from bench.match_calibrate import Scored, load_cases

    index = MeasureIndex(plan, embed=False)
    cases = load_cases()
    on = cases["on_plan"]["ru"][:6]
    s = Scored(index, "ru", on, cases["off_plan"]["ru"][:2], [])
    # unmasked, each on-plan row finds itself (cosine 1 in the term space); masked, it does not
    assert np.allclose([index.example_similarities(c["text"], "ru")["examples_terms"].max() for c in on], 1.0)
    assert (s.raw["examples_terms"][:6] < 0.999).all()
    assert (s.set_memory(range(6)).raw["examples_terms"][:6] < 0.999).all()


def test_a_plan_without_examples_abstains_with_the_model_fitted_without_them(index):
    small = MeasureIndex(load_plan(SMALL_PLAN), embed=False)
    for lang in ("ru", "ky"):
        plain = small.settings("abstain", lang)["features"]
        assert plain and not any("examples" in f for f in plain)
        assert any("examples" in f for f in index.settings("abstain", lang)["features"])
