"""The Kyrgyz silver set and the Kyrgyz side of the trained factor model.

Clause texts here are MADE UP (written for these tests, not taken from any act)."""
from __future__ import annotations

import pytest

from models import factors as F
from models.ky_silver import gold_keys, silver_pairs


def _pair(act: str, path: str, ky: str, ru: str = "made-up Russian clause") -> dict:
    item = lambda t, lang: {"text": t, "lang": lang, "heading": "", "lead_in": ""}  # noqa: E731
    return {"act": act, "path": path, "ru": item(ru, "ru"), "ky": item(ky, "ky"), "rs_ru": {}, "rs_ky": {}}


def test_silver_set_leaves_every_gold_clause_out():
    rows = [{"file": "cbd-minjust-docx/made-up-code.ru.docx", "path": "ст. 5 ч. 2", "labels": ["vprave_competence"],
             "text_ky": "Ыйгарым укуктуу орган токтотууга укуктуу."}]
    pairs = [
        _pair("made-up-code", "ст. 5 ч. 2", "Ыйгарым укуктуу орган токтотууга укуктуу."),   # the gold clause
        _pair("other-code", "ст. 9", "ыйгарым  укуктуу орган токтотууга укуктуу."),        # same text elsewhere
        _pair("made-up-code", "ст. 5 ч. 3", "Жаран даттанууга укуктуу."),                  # its neighbour: kept
        _pair("made-up-code", "ст. 6", "   "),                                             # empty Kyrgyz side
    ]
    assert gold_keys(rows)[0] == {("made-up-code", "ст. 5 ч. 2")}
    kept = silver_pairs(rows, log=lambda *_: None, pairs=pairs)
    assert [(p["act"], p["path"]) for p in kept] == [("made-up-code", "ст. 5 ч. 3")]


class _RuModelStub:
    """Stands in for the Russian LangModel: a fixed P(any) per clause, to check how labels are decided."""

    def __init__(self, p_any: list[float]):
        self.p_any = p_any

    def predict(self, items, rule_scores):
        return [{"any": p} for p in self.p_any]


def test_silver_labels_are_the_russian_analyzers_decision():
    pairs = [_pair("a", "ст. 1", "made-up ky 1"), _pair("a", "ст. 2", "made-up ky 2"), _pair("a", "ст. 3", "made-up ky 3")]
    pairs[0]["rs_ru"] = {"vprave_competence": 0.7}
    pairs[1]["rs_ru"] = {"legal_linguistic_uncertainty": 0.3}        # weak rule, clause reads clean: no label
    pairs[2]["rs_ky"] = {"broad_discretion": 0.9}                    # only the Kyrgyz rule fired: no label
    items, ky_rs = F.silver_items(pairs, _RuModelStub([0.9, 0.05, 0.9]), ru_threshold=0.35)
    assert [it["labels"] for it in items] == [["vprave_competence"], [], []]
    assert [it["lang"] for it in items] == ["ky"] * 3 and ky_rs[2] == {"broad_discretion": 0.9}


@pytest.fixture(scope="module")
def model():
    m = F.load()
    if m is None:
        pytest.fail("models/artifacts/factors.joblib is missing: run python -m models.factors train")
    return m


def test_kyrgyz_silver_set_is_recorded(model):
    ky = model.meta["cv"]["ky"]
    silver = ky["silver"]
    # the silver model was trained and tested: a real silver set, every Kyrgyz gold clause a test clause,
    # labelled by the Russian analyzer as shipped (the silver set is every parallel clause pair the gold does not
    # hold, so it shrinks as annotation batches grow: 9,352 pairs and 90 flagged with 9,022 gold clauses)
    assert silver["clauses"] > 5000 and 50 < silver["positives"] < silver["clauses"] / 10
    assert ky["folds"] == "silver" and ky["n"] >= 600
    assert silver["ru_threshold"] == model.threshold_for("ru")
    card = F.CARD.read_text(encoding="utf-8")
    assert "ky: model trained on silver labels" in card and f"{silver['clauses']} clauses" in card


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_shipping_decision_is_recorded_and_consistent(model, lang):
    c = model.meta["cv"][lang]
    # a model ships only if it beat the rules alone (each at its own threshold) by more than one standard
    # error of the rules' F1; otherwise the language runs on its rules at their validated threshold
    f_rules = c["rules"]["any_f1"]
    beat = c["combined"]["any_f1"] > f_rules + (f_rules * (1 - f_rules) / c["positives"]) ** 0.5
    assert c["model_used"] == beat == (lang in model.langs)
    assert model.threshold_for(lang) == c["threshold"] == (c["combined"] if beat else c["rules"])["threshold"]


def test_shipping_decision_needs_a_gain_beyond_one_standard_error():
    def table(f1):           # one threshold; any = (P, R, F1, tp, fp, fn), precision too low for the 0.8 rule
        return {0.4: {"any": (0.5, 0.5, f1, 50, 50, 50), "micro": (0.5, 0.5, f1, 50, 50, 50)}}

    # rules 0.50 on 100 positives: one standard error is 0.05
    assert F.shipping_decision({"rules": table(0.50), "combined": table(0.54), "model": object()}, 100) == (False, 0.4)
    assert F.shipping_decision({"rules": table(0.50), "combined": table(0.56), "model": object()}, 100) == (True, 0.4)
    # too few positives to choose anything: the rules' own scale
    assert F.shipping_decision({"rules": table(0.50), "combined": table(0.9), "model": object()}, 10) == (
        False, F.DEFAULT_THRESHOLD)


def test_cross_validation_holds_out_whole_acts(monkeypatch):
    # made-up clauses of six acts: each act's clauses are scored by a model that never saw that act
    items = [{"text": f"made-up clause {a} {i}", "lang": "ru", "act": f"act{a}",
              "labels": ["broad_discretion"] if i % 2 else []} for a in range(6) for i in range(8)]
    rs = [{"broad_discretion": 0.5} if it["labels"] else {} for it in items]
    seen = []

    class Recording(F.LangModel):
        def fit(self, train, rule_scores):
            self.acts = {it.get("act") for it in train}
            return super().fit(train, rule_scores)

        def predict(self, test, rule_scores):
            seen.append((self.acts, {it.get("act") for it in test}))
            return super().predict(test, rule_scores)

    monkeypatch.setattr(F, "LangModel", Recording)
    res = F.cross_validate(items, rs)
    assert res["folds"] == "5 by act" and all("any" in p for p in res["oof"])
    assert len(seen) == 5 and all(not (train & test) for train, test in seen)
    # without acts: stratified folds over clauses
    assert F.cross_validate([{k: v for k, v in it.items() if k != "act"} for it in items], rs)["folds"] == 5


def test_kyrgyz_made_up_clauses_keep_their_verdicts(model):
    from pipeline.analyze import classify_items

    items = [
        # a body's discretionary power over a permit holder («…га укуктуу»): flagged
        {"text": "Ыйгарым укуктуу орган уруксаттын колдонулушун токтото турууга укуктуу.", "lang": "ky"},
        # a citizen's own right of appeal: clean
        {"text": "Жаран ыйгарым укуктуу органдын чечимине сот тартибинде даттанууга укуктуу.", "lang": "ky"},
        # a fixed term: clean
        {"text": "Уруксат арыз келип түшкөн күндөн тартып 10 жумуш күнүнүн ичинде берилет.", "lang": "ky"},
    ]
    flags = [[f.factor for f in fl] for fl in classify_items(items)]
    assert "vprave_competence" in flags[0]
    assert flags[1] == [] and flags[2] == []
