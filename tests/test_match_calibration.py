"""The matcher on made-up passages about the seed plan's measures and on off-plan text: close paraphrases
(tests/fixtures/made-up-match-cases.yml) and report-like passages in other words
(tests/fixtures/made-up-match-reports.yml, what bench.match_calibrate chooses weights and thresholds on)."""
import pytest
import yaml

from bench.match_calibrate import CASES as REPORTS
from pipeline.match import MeasureIndex, load_plan
from tests.conftest import ROOT, SEED_PLAN

CASES = ROOT / "tests" / "fixtures" / "made-up-match-cases.yml"


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
                assert c["status"] in {"done", "in_progress", "not_done"}


def test_fixture_is_marked_made_up_and_refs_exist(index, cases):
    assert_made_up_with_known_refs(CASES, [cases["on_plan"], cases["on_plan_hard"]], index.refs)


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_paraphrases_rank_their_measure_in_the_top_three(index, cases, lang):
    items = cases["on_plan"][lang]
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


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_report_like_passages_find_their_measure_and_off_plan_news_abstains(index, reports, lang):
    # floors well under what bench.match_calibrate prints in-sample, so a regression fails and noise does not
    on = reports["on_plan"][lang]
    top3 = sum(bool({r.ref for r in index.match({"id": "x", "text": c["text"], "lang": lang, "agency": c.get("agency", "")}).refs}
                    & set(c["refs"])) for c in on)
    assert top3 / len(on) >= 0.45, (lang, top3, len(on))
    off = reports["off_plan"][lang]
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
