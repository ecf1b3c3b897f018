"""The matcher on made-up passages about the seed plan's measures and on off-plan text: close paraphrases
(tests/fixtures/made-up-match-cases.yml) and report-like passages in other words
(corpus/match_examples/made-up-match-reports.yml, what bench.match_calibrate chooses weights and thresholds on, and
the matcher's worked examples)."""
import pytest
import yaml

from bench.match_calibrate import CASE_FILES
from pipeline.match import MeasureIndex, load_plan
from tests.conftest import ROOT, SEED_PLAN

CASES = ROOT / "tests" / "fixtures" / "made-up-match-cases.yml"
REPORTS = CASE_FILES[0]


@pytest.fixture(scope="module")
def index():
    return MeasureIndex(load_plan(SEED_PLAN))


@pytest.fixture(scope="module")
def cases():
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))


def assert_made_up_with_known_refs(path, groups, refs):
    assert "MADE UP" in path.read_text(encoding="utf-8").splitlines()[0]
    for group in groups:
        for lang, items in group.items():
            for c in items:
                assert set(c["refs"]) <= set(refs), c
                assert c["status"] in {"done", "in_progress", "not_done", "unclear"}


def test_fixture_is_marked_made_up_and_refs_exist(index, cases):
    assert_made_up_with_known_refs(CASES, [cases["on_plan"], cases["on_plan_hard"]], index.refs)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_paraphrases_rank_their_measure_in_the_top_three(index, cases, lang):
    items = cases["on_plan"][lang]
    index.prime([{"text": c["text"]} for c in items])
    hits = 0
    for c in items:
        res = index.match({"id": "x", "text": c["text"], "lang": lang})
        hits += bool({r.ref for r in res.refs[:3]} & set(c["refs"]))
    assert hits / len(items) >= 0.8, (lang, hits, len(items))


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_off_plan_passages_mostly_abstain(index, cases, lang):
    items = cases["off_plan"][lang]
    abstained = sum(not index.match({"id": "x", "text": t, "lang": lang}).refs for t in items)
    assert abstained / len(items) >= 0.75, (lang, abstained, len(items))


@pytest.fixture(scope="module")
def reports():
    return yaml.safe_load(REPORTS.read_text(encoding="utf-8"))


def test_report_fixture_is_made_up_large_enough_and_refs_exist(index, reports):
    assert len(reports["on_plan"]["ru"]) >= 60 and len(reports["on_plan"]["ky"]) >= 30
    assert_made_up_with_known_refs(REPORTS, [reports["on_plan"]], index.refs)


def kind(item) -> str:
    return item.get("kind", "brief") if isinstance(item, dict) else "brief"


@pytest.mark.parametrize("item_kind,counts,length,statuses", [
    # news-style items: press releases and news of 3–7 sentences
    ("news", {"ru": (50, 25), "ky": (30, 15)}, (350, 1200), {"done", "in_progress", "not_done"}),
    # lines of agencies' quarterly information; off-plan lines of the same length
    ("report", {"ru": (60, 30), "ky": (35, 15)}, (120, 400), {"done", "in_progress", "not_done", "unclear"}),
])
def test_report_fixture_kind_is_spread_over_the_plan(index, reports, item_kind, counts, length, statuses):
    # enough items of the kind, of its length, about many measures of every section, with every status
    sections = {m.ref: m.section for m in index.measures}
    for lang, (n_on, n_off) in counts.items():
        on = [c for c in reports["on_plan"][lang] if kind(c) == item_kind]
        off = [c for c in reports["off_plan"][lang] if kind(c) == item_kind]
        assert len(on) >= n_on and len(off) >= n_off, (lang, len(on), len(off))
        assert all(length[0] <= len(c["text"]) <= length[1] for c in on + off)
        assert len({c["refs"][0] for c in on}) >= 0.8 * len(on)
        assert len({sections[c["refs"][0]] for c in on}) == len(set(sections.values()))
        assert {c["status"] for c in on} == statuses


def test_every_kind_of_the_calibration_files_is_known_to_the_bench():
    from bench.match_calibrate import OFF_KINDS, ON_KINDS, load_cases

    cases = load_cases()   # every file of CASE_FILES: `clip` comes from the plan-blind half
    for lang in ("ru", "ky"):
        assert {kind(c) for c in cases["on_plan"][lang]} == set(ON_KINDS)
        assert {kind(c) for c in cases["off_plan"][lang]} | {"codes"} == set(OFF_KINDS)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_report_like_passages_find_their_measure_and_off_plan_news_abstains(index, reports, lang):
    # floors well under what bench.match_calibrate prints in-sample, so a regression fails and noise does not
    on = reports["on_plan"][lang]
    off = [o["text"] if isinstance(o, dict) else o for o in reports["off_plan"][lang]]
    index.prime([{"text": t} for t in [c["text"] for c in on] + off])   # one batch: news items embed slowly one by one
    top3 = sum(bool({r.ref for r in index.match({"id": "x", "text": c["text"], "lang": lang, "agency": c.get("agency", "")}).refs}
                    & set(c["refs"])) for c in on)
    assert top3 / len(on) >= 0.45, (lang, top3, len(on))
    abstained = sum(not index.match({"id": "x", "text": t, "lang": lang}).refs for t in off)
    assert abstained / len(off) >= 0.6, (lang, abstained, len(off))


def test_top_three_lists_close_runners_up(index):
    # siblings of one task are close: a reader gets them as runners-up instead of an abstention
    res = index.match({"id": "x", "lang": "ru", "text": "На портале государственных закупок публикуются тендерная "
                       "документация, протоколы вскрытия и сведения о закупках из одного источника."})
    refs = [r.ref for r in res.refs]
    assert len(refs) >= 2 and {"34.2", "34.3"} & set(refs)
    assert all(a.score >= b.score for a, b in zip(res.refs, res.refs[1:]))


def test_status_of_an_abstained_passage_is_unclear_but_its_own_reading_is_kept(index):
    # no measure, no measure's status; abstaining does not erase what «проведен» says (passage_status)
    res = index.match({"id": "x", "lang": "ru", "text": "Проведен ремонт спортивного зала, установлено новое "
                       "освещение и заменены окна."})
    assert res.refs == [] and res.status == "unclear" and res.passage_status == "done"


def test_a_small_russian_plan_matches_russian_and_kyrgyz_passages():
    from tests.conftest import ROOT

    index = MeasureIndex(load_plan(ROOT / "tests" / "fixtures" / "made-up-plan-2025.ru.html"))
    r = index.match({"id": "a", "lang": "ru", "text": "Отчеты о результатах антикоррупционного мониторинга "
                     "опубликованы на сайте."})
    assert r.refs and r.refs[0].ref == "1.2" and r.status == "done"
    k = index.match({"id": "b", "lang": "ky", "text": "Жетекчилик кызматтарга талапкерлердин декларациялары "
                     "текшерилди."})
    assert k.refs and k.refs[0].ref == "2.2"
    off = index.match({"id": "c", "lang": "ru", "text": "Сборная министерства заняла второе место в турнире."})
    assert off.refs == []


INDEPENDENT = [ROOT / ("corpus/match_examples" if h == "a" else "tests/fixtures") / f"made-up-match-independent-{h}.yml"
               for h in "abc"]


def test_independent_halves_are_made_up_and_only_half_a_calibrates(index):
    for path in INDEPENDENT:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert_made_up_with_known_refs(path, [data["on_plan"]], index.refs)
        n = 50 if path.name.endswith("-c.yml") else 25
        assert {lang: len(items) for lang, items in data["on_plan"].items()} == {"ru": n, "ky": n}
    # b and c are the held-out figures of bench.match_independent: they must never be calibration data
    assert INDEPENDENT[0] in CASE_FILES and not set(INDEPENDENT[1:]) & set(CASE_FILES)


@pytest.mark.parametrize("part,n_none", [(1, 14), (2, 30)])
def test_held_out_independent_parts_rank_their_measures(part, n_none):
    from bench.match_independent import rows_of
    from pipeline.match import evaluate_rows

    rows = rows_of(INDEPENDENT[part])
    assert sum(r["gold_refs"] == ["none"] for r in rows) == n_none
    result = evaluate_rows(rows, plan_path=SEED_PLAN)["by_lang"]
    for lang in ("ru", "ky"):
        assert result[lang]["ranked_top3"] >= 0.85, (lang, result[lang])
        assert result[lang]["abstention"] >= 0.7, (lang, result[lang])
