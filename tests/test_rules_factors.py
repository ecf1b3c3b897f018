"""Every factor rule fires on its positive sentences and stays silent on its negative ones
(rules/rule_cases.yml, made-up sentences), and the typology and Kyrgyz stemmer data are consistent."""
from __future__ import annotations

import csv

import pytest

from rules import RULES_DIR, load_yaml

CASES = load_yaml("rule_cases.yml")["cases"]
FACTOR_IDS = {
    "broad_discretion", "missing_deadline", "duplicate_powers", "vprave_competence", "selective_rights_change",
    "blanket_reference_norms", "missing_admin_procedure", "no_competitive_procedure", "excessive_requirements",
    "applicant_right_abuse", "legal_linguistic_uncertainty", "normative_conflict",
}


def _params(kind):
    for case in CASES:
        for text in case.get(kind) or []:
            yield pytest.param(case, text, id=f"{case['rule']}:{text[:40]}")


@pytest.mark.parametrize("case,text", list(_params("pos")))
def test_rule_fires_on_positive(case, text):
    from pipeline.analyze import rule_hits

    hits = rule_hits(text, case.get("lang", "ru"), lead_in=case.get("lead_in"),
                     article=case.get("article"))
    fired = {h.factor for h in hits if h.rule == case["rule"]}
    assert case["factor"] in fired, f"{case['rule']} did not fire: {[(h.rule, h.factor) for h in hits]}"
    for extra in case.get("also") or []:
        assert extra in fired, f"{case['rule']} did not add {extra}"
    for h in hits:
        assert h.evidence and h.evidence == text[h.start:h.end]


@pytest.mark.parametrize("case,text", list(_params("neg")))
def test_rule_silent_on_negative(case, text):
    from pipeline.analyze import rule_hits

    hits = [h for h in rule_hits(text, case.get("lang", "ru"), lead_in=case.get("lead_in"),
                     article=case.get("article")) if h.rule == case["rule"]]
    assert not hits, f"{case['rule']} fired on a negative: {[(h.factor, h.evidence) for h in hits]}"


def test_every_rule_has_positive_and_negative_cases():
    covered = {c["rule"] for c in CASES if c.get("pos") and c.get("neg")}
    for lang in ("ru", "ky"):
        ids = {r["id"] for r in load_yaml(f"patterns_{lang}.yml")["rules"]}
        assert ids <= covered, f"rules without test sentences: {sorted(ids - covered)}"


def test_typology_has_exactly_the_agreed_ids_with_names_and_fixes():
    factors = load_yaml("factors.yml")["factors"]
    ids = [f["id"] for f in factors]
    assert set(ids) == FACTOR_IDS | {"outside_competence", "gap_filling_bylaw"}
    assert len(ids) == len(set(ids))
    for f in factors:
        for key in ("name_ru", "name_ky", "definition_ru", "fix_ru", "fix_ky", "why_ru", "why_ky", "decree96"):
            assert f.get(key), f"{f['id']} lacks {key}"


def test_rules_only_use_known_factors_and_lexicons():
    from pipeline.analyze import ruleset

    for lang in ("ru", "ky"):
        rs = ruleset(lang)       # compiling validates factor ids and lexicon names
        assert rs.rules


@pytest.mark.parametrize("row", list(csv.DictReader((RULES_DIR / "ky_stem_cases.csv").open(encoding="utf-8"))),
                         ids=lambda r: r["word"])
def test_ky_stem_cases(row):
    from rules.ky_stem import ky_stem

    assert ky_stem(row["word"]) == row["expected_stem"]


def test_ky_stem_slot_order_not_greedy():
    from rules.ky_stem import ky_stem

    # one ending per slot, right to left: a greedy loop would reach «республ»
    assert ky_stem("республикасынын") == "республика"
    assert ky_stem("мыйзамдарында") == "мыйзам"
    assert ky_stem("жер") == "жер"


GUIDELINE = load_yaml("rule_cases.yml")["guideline"]


@pytest.mark.parametrize("case", GUIDELINE, ids=lambda c: c["text"][:50])
def test_guideline_example(case):
    """The guideline's invented examples, on the rules as a whole: positives found, negatives left clean."""
    from pipeline.analyze import rule_hits

    found = {h.factor for h in rule_hits(case["text"], case.get("lang", "ru"), lead_in=case.get("lead_in"))}
    missing = set(case.get("expect") or []) - found
    assert not missing, f"rules did not find {sorted(missing)}; found {sorted(found)}"
    reject = set(case.get("reject") or [])
    wrong = found if "any" in reject else found & reject
    assert not wrong, f"rules found {sorted(wrong)} on a clean reading"
    assert not (set(case.get("missed") or []) & set(case.get("expect") or []))
    # `missed` records what the rules are known not to find; once they find it, it belongs in `expect`
    now_found = set(case.get("missed") or []) & found
    assert not now_found, f"rules now find {sorted(now_found)}: move it from `missed` to `expect`"


@pytest.mark.parametrize("lang", ["ru", "ky"])
def test_anchor_prefilter_finds_every_match_a_full_matcher_finds(lang):
    """RuleSet runs a rule's Matcher only on texts holding one of its anchor words: on every test sentence
    (positive and negative, so near misses too) it must return exactly what one Matcher over all rules returns."""
    from spacy.matcher import Matcher

    from pipeline.analyze import _stem_attr, ruleset

    rs = ruleset(lang)
    full = Matcher(rs.nlp.vocab)
    norm = _stem_attr if lang == "ky" else rs._lemma_attr
    for r in rs.rules:
        full.add(r["id"], [[norm(t) for t in p] for p in r["patterns"]])
    texts = [t for c in CASES if c.get("lang", "ru") == lang for k in ("pos", "neg") for t in c.get(k) or []]
    assert len(texts) > 100
    matched = 0
    for doc in rs.nlp.pipe(t.lower() for t in texts):
        want = sorted((rs.nlp.vocab.strings[m], s, e) for m, s, e in full(doc))
        assert sorted(rs.rule_matches(doc)) == want, doc.text
        matched += bool(want)
    assert matched > len(texts) // 2
    assert len(rs.unanchored) + len(rs.anchor_regexes) < len(rs.rules) // 4    # the filter filters
