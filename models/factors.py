"""The corruption-factor model: a calibrated "has any factor" logistic regression over word and character
n-grams plus the rule scores of pipeline/analyze.py, which re-ranks and suppresses the rules' hits (it never
flags a clause on its own: with ~200 positive clauses a per-factor model adds more noise than findings),
trained on the stand-off annotations in ``corpus/annotations/factors-ru.jsonl`` (Russian). Kyrgyz has too
few gold positives for that, so its model is trained on a *silver* set (models.ky_silver: ~14,000 Kyrgyz
clauses of the parallel codes labelled with what the Russian analyzer flags on their Russian counterparts,
gold clauses left out) and tested on the Kyrgyz counterparts of the gold clauses (the same clause path in
the ``.ky.docx`` edition).

A language's model ships only if it beats that language's rules alone by more than one standard error on
clauses it never saw (Russian: folds of whole acts); otherwise the rules decide alone at their validated
threshold (shipping_decision). The artifact records the decision and both sets of figures either way.

    python -m models.factors train      # writes models/artifacts/factors.joblib and factors.md
    python -m models.factors cv         # validated figures only
    python -m models.factors silver-cv  # what the silver model learns, held out by act (diagnostics)

Texts are resolved at training time from ../shared/corpus-samples: the file's sha256 must match and
``text[start:end]`` must be the clause the annotation names; mismatches are reported and skipped.
"""
from __future__ import annotations

import hashlib
import json
import math
import sys
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT.parent / "shared" / "corpus-samples"
ANNOTATIONS = ROOT / "corpus" / "annotations" / "factors-ru.jsonl"
ARTIFACT = ROOT / "models" / "artifacts" / "factors.joblib"
CARD = ROOT / "models" / "artifacts" / "factors.md"
MIN_POSITIVES = 4          # below this no model is trained and the rules decide alone
MIN_POSITIVES_FOR_THRESHOLD = 30
DEFAULT_THRESHOLD = 0.5    # the rules' scale: a single rule of score ≥ 0.5 flags
THRESHOLD_GRID = (0.35, 0.6)
RULE_WEIGHT = 0.6          # score of a factor the rules found = RULE_WEIGHT * rules + (1 - RULE_WEIGHT) * P(any)


# ---------------------------------------------------------------------------------------------------------
# Training data


@lru_cache(maxsize=64)
def _read(path: str):
    from pipeline.ingest import read_document
    from pipeline.structure import parse_document

    doc = read_document(path)
    st = parse_document(doc)
    return doc, {c.path: c for c in st.clauses}


def load_annotations(path: Path = ANNOTATIONS, samples: Path = SAMPLES, log=print) -> list[dict]:
    """Annotated clauses with their Russian text, heading and lead-in, and the Kyrgyz counterpart if any."""
    rows: list[dict] = []
    if not path.exists():
        return rows
    seen: dict[tuple, dict] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        a = json.loads(line)
        f = samples / a["file"]
        if not f.exists():
            log(f"annotation line {n}: {a['file']} not found; skipped")
            continue
        doc, clauses = _read(str(f))
        if a.get("sha256") and a["sha256"] != doc.sha256:
            log(f"annotation line {n}: sha256 of {a['file']} differs; skipped")
            continue
        text = doc.text[a["start"]:a["end"]]
        clause = clauses.get(a["path"])
        if clause is None or clause.text.strip() != text.strip():
            log(f"annotation line {n}: {a['path']} is not text[{a['start']}:{a['end']}] of {a['file']}; skipped")
            continue
        row = {"file": a["file"], "path": a["path"], "text": text, "heading": clause.article_heading,
               "lead_in": clause.lead_in, "labels": sorted(set(a.get("labels") or []))}
        ky = f.with_name(f.name.replace(".ru.", ".ky."))
        if ky.exists():
            try:
                _, ky_clauses = _read(str(ky))
            except Exception as exc:     # a broken Kyrgyz edition only loses the counterparts
                log(f"{ky.name}: {exc}")
                ky_clauses = {}
            kc = ky_clauses.get(a["path"])
            if kc is not None:
                row.update(text_ky=kc.text, heading_ky=kc.article_heading, lead_in_ky=kc.lead_in)
        # two annotators on one clause: the later line wins (adjudicated files come last)
        seen[(a["file"], a["path"])] = row
    rows = list(seen.values())
    return rows


def items_for(rows: list[dict], lang: str) -> list[dict]:
    """Classifier inputs for one language (rows without a Kyrgyz counterpart are left out for ky)."""
    out = []
    for r in rows:
        act = r["file"].rsplit("/", 1)[-1].split(".")[0]
        if lang == "ru":
            out.append({"text": r["text"], "heading": r.get("heading"), "lead_in": r.get("lead_in"), "lang": "ru",
                        "labels": r["labels"], "act": act})
        elif r.get("text_ky"):
            out.append({"text": r["text_ky"], "heading": r.get("heading_ky"), "lead_in": r.get("lead_in_ky"),
                        "lang": "ky", "labels": r["labels"], "act": act})
    return out


# ---------------------------------------------------------------------------------------------------------
# Features and model


def model_text(item: dict) -> str:
    """What the n-gram features see: the lead-in (it completes a list item's norm) and the clause."""
    lead = item.get("lead_in") or ""
    if isinstance(lead, (list, tuple)):
        lead = "\n".join(x for x in lead if x)
    return (lead + " \n " if lead else "") + (item.get("text") or "")


def rule_matrix(rule_scores: list[dict]) -> np.ndarray:
    from pipeline.analyze import CLAUSE_FACTORS

    m = np.zeros((len(rule_scores), len(CLAUSE_FACTORS) + 1), dtype=np.float32)
    for i, sc in enumerate(rule_scores):
        for j, f in enumerate(CLAUSE_FACTORS):
            m[i, j] = sc.get(f, 0.0)
        m[i, -1] = max(sc.values()) if sc else 0.0
    return m


class LangModel:
    """Vectorisers and the "has any factor" logistic regression for one language."""

    def __init__(self, lang: str):
        self.lang = lang
        self.word = None
        self.char = None
        self.models: dict[str, object] = {}
        self.n_train = 0
        self.positives: dict[str, int] = {}

    def _features(self, texts: list[str], rules: np.ndarray, fit: bool = False):
        from scipy.sparse import csr_matrix, hstack
        from sklearn.feature_extraction.text import TfidfVectorizer

        if fit:
            self.word = TfidfVectorizer(lowercase=True, ngram_range=(1, 2), min_df=1, max_features=20000,
                                        sublinear_tf=True, token_pattern=r"(?u)\b\w+\b")
            self.char = TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                        max_features=20000, sublinear_tf=True)
            w, c = self.word.fit_transform(texts), self.char.fit_transform(texts)
        else:
            w, c = self.word.transform(texts), self.char.transform(texts)
        # rule scores weigh as much as a strong n-gram block
        return hstack([w, c, csr_matrix(rules * 3.0)]).tocsr()

    def fit(self, items: list[dict], rule_scores: list[dict]) -> "LangModel":
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression

        texts = [model_text(it) for it in items]
        X = self._features(texts, rule_matrix(rule_scores), fit=True)
        self.n_train = len(items)
        ys = _label_matrix(items)
        for f, y in ys.items():
            self.positives[f] = int(y.sum())
        y = ys["any"]
        if y.sum() >= MIN_POSITIVES and y.sum() < len(y):
            # calibrated probabilities: the score is blended with the rules' priors on one scale
            base = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000)
            folds = int(min(3, y.sum()))
            self.models["any"] = CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(X, y)
        return self

    def predict(self, items: list[dict], rule_scores: list[dict]) -> list[dict[str, float]]:
        if not items:
            return []
        X = self._features([model_text(it) for it in items], rule_matrix(rule_scores))
        out: list[dict[str, float]] = [{} for _ in items]
        for f, m in self.models.items():
            p = m.predict_proba(X)[:, 1]
            for i, v in enumerate(p):
                out[i][f] = float(v)
        return out


def _label_matrix(items: list[dict]) -> dict[str, np.ndarray]:
    from pipeline.analyze import CLAUSE_FACTORS

    ys = {f: np.array([int(f in it["labels"]) for it in items]) for f in CLAUSE_FACTORS}
    ys["any"] = np.array([int(bool(it["labels"])) for it in items])
    return ys


def combine(rule_sc: dict[str, float], model_sc: dict[str, float]) -> dict[str, float]:
    """One score per factor the rules found: the rule's prior blended with the model's probability that the
    clause has any factor. The model re-ranks and suppresses rule hits (a weak rule on a clause that reads
    like the annotated positives passes, a strong rule on a clause that reads clean is held back) but
    never adds a factor no rule found: cross-validation showed model-only flags cost precision."""
    p_any = model_sc.get("any")
    out = {}
    for f, r in rule_sc.items():
        if r <= 0:
            continue
        out[f] = r if p_any is None else RULE_WEIGHT * r + (1 - RULE_WEIGHT) * p_any
    return out


class FactorModel:
    """Both languages' models plus the decision threshold chosen by cross-validation."""

    def __init__(self, langs: dict[str, LangModel], thresholds: dict[str, float], meta: dict):
        self.langs = langs
        self.thresholds = thresholds
        self.meta = meta

    def threshold_for(self, lang: str) -> float:
        return self.thresholds.get(lang, DEFAULT_THRESHOLD)

    def describe(self, lang: str) -> str:
        """What decides a language's flags, for printouts: «rules alone at 0.4», «rules+model at 0.35»."""
        return f"{'rules+model' if lang in self.langs else 'rules alone'} at {self.threshold_for(lang)}"

    @property
    def version(self) -> str:
        return self.meta.get("version", "untrained")

    def predict(self, items: list[dict], rule_scores: list[dict]) -> list[dict[str, float]]:
        out: list[dict[str, float]] = [{} for _ in items]
        by_lang: dict[str, list[int]] = {}
        for i, it in enumerate(items):
            by_lang.setdefault(it.get("lang", "ru"), []).append(i)
        for lang, idx in by_lang.items():
            lm = self.langs.get(lang)
            if lm is None:
                continue
            preds = lm.predict([items[i] for i in idx], [rule_scores[i] for i in idx])
            for i, p in zip(idx, preds):
                out[i] = p
        return out


# ---------------------------------------------------------------------------------------------------------
# Cross-validation, metrics, training


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score_predictions(golds: list[list[str]], preds: list[list[str]]) -> dict:
    """Per-factor and micro P/R/F1 (sub-types collapsed into broad_discretion) and "has any factor"."""
    from pipeline.analyze import COLLAPSE

    def norm(labels):
        return {COLLAPSE.get(x, x) for x in labels}

    per: dict[str, list[int]] = {}
    any_c = [0, 0, 0]
    micro = [0, 0, 0]
    for g, p in zip(golds, preds):
        g, p = norm(g), norm(p)
        any_c[0] += bool(g) and bool(p)
        any_c[1] += (not g) and bool(p)
        any_c[2] += bool(g) and not p
        for f in g | p:
            c = per.setdefault(f, [0, 0, 0])
            if f in g and f in p:
                c[0] += 1
                micro[0] += 1
            elif f in p:
                c[1] += 1
                micro[1] += 1
            else:
                c[2] += 1
                micro[2] += 1
    return {"any": (*prf(*any_c), *any_c), "micro": (*prf(*micro), *micro),
            "per_factor": {f: (*prf(*c), *c) for f, c in sorted(per.items())}, "n": len(golds)}


def decide(scores: dict[str, float], threshold: float) -> list[str]:
    return sorted(f for f, s in scores.items() if s >= threshold)


def threshold_grid() -> list[float]:
    """The thresholds every validation table is computed at: THRESHOLD_GRID in steps of 0.05."""
    return [round(x, 2) for x in np.arange(THRESHOLD_GRID[0], THRESHOLD_GRID[1] + 0.001, 0.05)]


def threshold_tables(golds: list, rule_scores: list[dict], model_scores: list[dict]) -> dict:
    """Figures of the rules alone and of rules + model (``combine``) at every grid threshold."""
    grid = threshold_grid()
    return {"rules": {t: score_predictions(golds, [decide(r, t) for r in rule_scores]) for t in grid},
            "combined": {t: score_predictions(golds, [decide(combine(r, m), t) for r, m in zip(rule_scores, model_scores)])
                         for t in grid}}


def cross_validate(items: list[dict], rule_scores: list[dict], folds: int = 5, seed: int = 13) -> dict:
    """Out-of-fold model scores; figures for rules alone and rules + model over a threshold grid.

    Folds are whole acts (GroupKFold over ``act``) when the items come from at least ``folds`` acts: the
    analyzer is used on acts it has never seen, and clause-level folds let n-grams learn an act's own
    recurring wording (stratified over clauses, the model's top-10 rule-missed clauses held 7 positives;
    held out by act, none). Items without acts fall back to stratified folds over clauses."""
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    y_any = np.array([int(bool(it["labels"])) for it in items])
    acts = [it.get("act") for it in items]
    by_act = all(acts) and len(set(acts)) >= folds
    oof: list[dict[str, float]] = [{} for _ in items]
    if by_act:
        k, splits = folds, GroupKFold(n_splits=folds).split(items, y_any, groups=acts)
    else:
        k = min(folds, max(2, int(y_any.sum()))) if y_any.sum() >= 2 else 0
        splits = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed).split(items, y_any) if k else []
    for tr, te in splits:
        if y_any[tr].sum() < MIN_POSITIVES:
            continue
        lm = LangModel(items[0]["lang"]).fit([items[i] for i in tr], [rule_scores[i] for i in tr])
        for i, p in zip(te, lm.predict([items[i] for i in te], [rule_scores[i] for i in te])):
            oof[i] = p
    return {**threshold_tables([it["labels"] for it in items], rule_scores, oof),
            "folds": f"{k} by act" if by_act else k, "oof": oof}


def _precision_reaches(v: dict, min_precision: float) -> bool:
    """Whether "any" precision reaches min_precision within one standard error: with a few dozen flagged
    clauses, a point or two of precision is one clause, and the threshold must not jump on that noise."""
    p, _, _, tp, fp, _ = v["any"]
    n = tp + fp
    se = math.sqrt(p * (1 - p) / n) if n else 0.0
    return n > 0 and p + se >= min_precision


def f_beta(p: float, r: float, beta: float = 0.5) -> float:
    b2 = beta * beta
    return (1 + b2) * p * r / (b2 * p + r) if p + r else 0.0


def choose_threshold(table: dict, min_precision: float = 0.8) -> float:
    """The threshold with the best "any" F1 among those whose "any" precision reaches min_precision
    (within its standard error): experts ignore an analyzer that flags most clauses. If none does, the best
    "any" F0.5 (precision weighs twice recall): taking the best precision alone bought 0.71 against 0.68 with
    half the recall (0.34 against 0.60) once the labour code's every clause entered cross-validation. F0.5 is
    as noisy as precision, so every threshold within one standard error of the best F0.5 is as good, and the
    best F1 among them decides: otherwise one clause (F0.5 0.586 against 0.578 on 154 positives) would halve
    the threshold's recall bonus."""
    ok = [(v["any"][2], v["micro"][2], t) for t, v in table.items() if _precision_reaches(v, min_precision)]
    if ok:
        return max(ok)[2]
    fb = {t: f_beta(v["any"][0], v["any"][1]) for t, v in table.items()}
    best = max(fb.values())
    top = table[max(fb, key=fb.get)]["any"]
    positives = top[3] + top[5]         # tp + fn
    se = math.sqrt(best * (1 - best) / positives) if positives else 0.0
    return max((v["any"][2], fb[t], t) for t, v in table.items() if fb[t] >= best - se)[2]


def chosen_thresholds(cv: dict) -> tuple[float, float]:
    """The thresholds validation chooses for the rules alone and for rules + model."""
    return choose_threshold(cv["rules"]), choose_threshold(cv["combined"])


def shipping_decision(cv: dict, positives: int) -> tuple[bool, float]:
    """Whether a language's model ships, and the threshold the analyzer then runs at. The model must beat
    the rules alone, each at the threshold validation chooses for it, by more than one standard error of the
    rules' "any" F1 over the positives: a gain of a clause or two is noise, and a model is one more thing to
    be wrong (the Kyrgyz silver model once won 0.342 to 0.336; held out by act, the Russian one lost 0.51 to
    0.57). Without it the rules decide at their own validated threshold; with fewer than
    MIN_POSITIVES_FOR_THRESHOLD positives nothing is chosen and the rules keep their own scale."""
    if positives < MIN_POSITIVES_FOR_THRESHOLD:
        return False, DEFAULT_THRESHOLD
    t_rules, t_comb = chosen_thresholds(cv)
    f_rules, f_comb = cv["rules"][t_rules]["any"][2], cv["combined"][t_comb]["any"][2]
    use = "model" in cv and f_comb > f_rules + math.sqrt(f_rules * (1 - f_rules) / positives)
    return use, (t_comb if use else t_rules)


def cross_validate_languages(rows: list[dict], log=lambda *_: None):
    """Per language with annotations: (lang, items, rule scores, validation result).

    Russian: out-of-fold over the gold annotations (folds by act). Kyrgyz, when the parallel codes are
    there: the model is trained on the silver set (models.ky_silver: Kyrgyz clauses labelled with what the
    Russian analyzer, as shipped, flags on their Russian counterparts; gold clauses left out), so every
    Kyrgyz gold clause is a test clause and the "out-of-fold" scores are that one model's. The fitted models
    and the shipping decision ride along in the result ("model", "use_model", "threshold") so train() does
    not fit them again."""
    from pipeline.analyze import rule_hits_many, rule_scores

    ru_fit = None
    for lang in ("ru", "ky"):
        items = items_for(rows, lang)
        if not items:
            continue
        rs = [rule_scores(h) for h in rule_hits_many(items)]
        positives = sum(bool(it["labels"]) for it in items)
        if lang == "ky" and ru_fit is not None and _silver_available():
            cv = silver_validate(rows, items, rs, *ru_fit, log=log)
        else:
            cv = cross_validate(items, rs)
            if positives >= MIN_POSITIVES_FOR_THRESHOLD:
                cv["model"] = LangModel(lang).fit(items, rs)
        cv["use_model"], cv["threshold"] = shipping_decision(cv, positives)
        if lang == "ru":
            ru_fit = (cv["model"] if cv["use_model"] else None, cv["threshold"])
        yield lang, items, rs, cv


# ---------------------------------------------------------------------------------------------------------
# Kyrgyz from silver labels


def _silver_available() -> bool:
    from models.ky_silver import PARALLEL

    return PARALLEL.is_dir() and any(PARALLEL.glob("*.ky.docx"))


def silver_items(pairs: list[dict], ru_model: "LangModel | None", ru_threshold: float) -> tuple[list[dict], list[dict]]:
    """Kyrgyz items labelled with what the Russian analyzer (rules, plus the model if it ships, at its
    threshold, exactly as classify_items decides) flags on the Russian counterpart, and the Kyrgyz rule scores."""
    ru_pred = (ru_model.predict([p["ru"] for p in pairs], [p["rs_ru"] for p in pairs]) if ru_model is not None
               else [{} for _ in pairs])
    items = [{**p["ky"], "labels": decide(combine(p["rs_ru"], m), ru_threshold)} for p, m in zip(pairs, ru_pred)]
    return items, [p["rs_ky"] for p in pairs]


def silver_validate(rows: list[dict], items: list[dict], rule_scores_: list[dict], ru_model: "LangModel | None",
                    ru_threshold: float, log=print) -> dict:
    """Train the Kyrgyz model on the silver set, score every Kyrgyz gold clause with it: the same tables as
    cross_validate (rules alone, rules + model over the threshold grid)."""
    from models.ky_silver import silver_pairs

    pairs = silver_pairs(rows, log=log)
    s_items, s_rs = silver_items(pairs, ru_model, ru_threshold)
    lm = LangModel("ky").fit(s_items, s_rs)
    preds = lm.predict(items, rule_scores_)
    return {**threshold_tables([it["labels"] for it in items], rule_scores_, preds),
            "folds": "silver", "oof": preds, "model": lm,
            "silver": {"clauses": len(s_items), "positives": sum(bool(it["labels"]) for it in s_items),
                       "ru_threshold": ru_threshold}}


def silver_diagnostics(folds: int = 3, top: tuple[int, ...] = (5, 10, 20, 40), log=print) -> dict:
    """Does the silver-trained Kyrgyz model learn anything the Kyrgyz rules do not know? Held out by act
    (GroupKFold over the codes, so a code's recurring wording cannot leak), against the silver labels:
      * has-any P/R/F1 of the rules alone and of rules + model (combine) at each grid threshold;
      * among clauses the Kyrgyz rules flag: does P(any) tell agreeing hits from the rest better than the
        rule score does (ROC AUC of each)? — the re-ranking the model is for;
      * among clauses the Kyrgyz rules miss: how many of the model's top-k are silver positives? — what
        model-only flags (any factor, so an upper bound for per-factor ones) would find.
    Prints and returns the figures (python -m models.factors silver-cv)."""
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import GroupKFold

    from models.ky_silver import silver_pairs

    rows = load_annotations(log=lambda *_: None)
    # the Russian model and threshold exactly as train() gets them (cross_validate_languages yields Russian first)
    _, _, _, ru_cv = next(cross_validate_languages(rows))
    ru_model, ru_t = (ru_cv["model"] if ru_cv["use_model"] else None), ru_cv["threshold"]
    pairs = silver_pairs(rows, log=log)
    items, rs = silver_items(pairs, ru_model, ru_t)
    acts = [p["act"] for p in pairs]
    oof: list[dict] = [{} for _ in items]
    for tr, te in GroupKFold(n_splits=folds).split(items, groups=acts):
        lm = LangModel("ky").fit([items[i] for i in tr], [rs[i] for i in tr])
        for i, p in zip(te, lm.predict([items[i] for i in te], [rs[i] for i in te])):
            oof[i] = p
    golds = [it["labels"] for it in items]
    out: dict = {"clauses": len(items), "positives": sum(bool(g) for g in golds), "by_threshold": {}}
    log(f"silver: {out['clauses']} clauses, {out['positives']} with a Russian flag; {folds} folds by act")
    tables = threshold_tables(golds, rs, oof)
    for t in threshold_grid():
        r, c = _brief(tables["rules"][t]), _brief(tables["combined"][t])
        out["by_threshold"][t] = {"rules": r, "combined": c}
        log(f"  t={t}: rules any P/R/F1 {r['any_p']}/{r['any_r']}/{r['any_f1']}  "
            f"rules+model {c['any_p']}/{c['any_r']}/{c['any_f1']}")
    fired = [i for i, x in enumerate(rs) if decide(x, THRESHOLD_GRID[0])]
    y = [bool(golds[i]) for i in fired]
    if 0 < sum(y) < len(y):
        out["fired"] = {"n": len(fired), "agree": sum(y),
                        "auc_model": round(roc_auc_score(y, [oof[i]["any"] for i in fired]), 3),
                        "auc_rule": round(roc_auc_score(y, [max(rs[i].values()) for i in fired]), 3)}
        log(f"  rule-flagged clauses {out['fired']}")
    missed = sorted((i for i, x in enumerate(rs) if not decide(x, THRESHOLD_GRID[0])), key=lambda i: -oof[i]["any"])
    out["missed_positives"] = sum(bool(golds[i]) for i in missed)
    out["top"] = {k: sum(bool(golds[i]) for i in missed[:k]) for k in top}
    log(f"  rule-missed silver positives {out['missed_positives']}; of the model's top-k rule-missed clauses, "
        f"silver positives: {out['top']}")
    return out


def print_cross_validation(echo=print, log=lambda *_: None) -> None:
    """The validated figures per language (the job of `taraza evaluate` and `python -m models.factors cv`): rules
    alone and rules + model, each at the threshold validation chooses for it, and what ships."""
    rows = load_annotations(log=log)
    shipped = load()
    echo(f"\n== cross-validation on the training annotations ({len(rows)} clauses) ==")
    for lang, items, _, res in cross_validate_languages(rows, log=log):
        t_rules, t_comb = chosen_thresholds(res)
        echo(f"  {lang}: n={len(items)} folds={res['folds']}")
        echo(f"    rules alone at {t_rules} : {_brief(res['rules'][t_rules])}")
        echo(f"    rules+model at {t_comb} : {_brief(res['combined'][t_comb])}")
        echo(f"    decision     : {'rules+model' if res['use_model'] else 'rules alone'} at {res['threshold']}")
        if shipped is not None:
            # what the analyzer actually runs with (models/artifacts): a stale artifact shows here
            ts = shipped.threshold_for(lang)
            table = res["combined" if lang in shipped.langs else "rules"]
            if ts in table:
                echo(f"    as shipped   : {shipped.describe(lang)}: {_brief(table[ts])}")


def train(path: Path = ANNOTATIONS, out: Path = ARTIFACT, log=print) -> dict:
    import joblib

    rows = load_annotations(path, log=log)
    if not rows:
        raise SystemExit(f"no usable annotations in {path}")
    langs, cv_report, thresholds = {}, {}, {}
    for lang, items, rs, cv in cross_validate_languages(rows, log=log):
        positives = sum(bool(it["labels"]) for it in items)
        t_rules, t_comb = chosen_thresholds(cv)
        report = {"n": len(items), "positives": positives, "folds": cv["folds"],
                  "rules": {"threshold": t_rules, **_brief(cv["rules"][t_rules])},
                  "combined": {"threshold": t_comb, **_brief(cv["combined"][t_comb])},
                  "model_used": cv["use_model"], "threshold": cv["threshold"]}
        if "silver" in cv:
            report["silver"] = cv["silver"]
        if not cv["use_model"]:
            log(f"{lang}: rules+model any-F1 {report['combined']['any_f1']}, rules alone {report['rules']['any_f1']}: "
                f"no gain beyond one standard error; rules alone at {cv['threshold']}")
        thresholds[lang] = cv["threshold"]
        cv_report[lang] = report
        if cv["use_model"]:
            langs[lang] = cv["model"]
    sha = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    meta = {"version": f"factors-{datetime.now(timezone.utc):%Y%m%d}-{sha}",
            "trained_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "annotations": str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path),
            "annotations_sha256": sha, "clauses": len(rows), "cv": cv_report,
            "positives": {lang: lm.positives for lang, lm in langs.items()},
            "modelled_factors": {lang: sorted(lm.models) for lang, lm in langs.items()}}
    meta["thresholds"] = thresholds
    model = FactorModel(langs, thresholds, meta)
    out.parent.mkdir(parents=True, exist_ok=True)
    joblib.dump(model, out, compress=3)
    _write_card(meta, thresholds, out)
    log(json.dumps(cv_report, ensure_ascii=False, indent=1))
    return meta


def _brief(s: dict) -> dict:
    return {"any_p": round(s["any"][0], 3), "any_r": round(s["any"][1], 3), "any_f1": round(s["any"][2], 3),
            "micro_p": round(s["micro"][0], 3), "micro_r": round(s["micro"][1], 3), "micro_f1": round(s["micro"][2], 3)}


def _write_card(meta: dict, thresholds: dict[str, float], out: Path) -> None:
    lines = [
        "# Model card: corruption factors (`models/artifacts/factors.joblib`)", "",
        f"- Version: `{meta['version']}`, trained {meta['trained_at']}.",
        "- Made by: `python -m models.factors train` (from the repository root, with `../shared` beside it).",
        f"- Data: `{meta['annotations']}` (sha256 {meta['annotations_sha256']}…), {meta['clauses']} Russian clauses of "
        "real codes in `../shared/corpus-samples/`, labelled under the annotation guideline v1.2; Kyrgyz "
        "counterparts are the same clause paths in the `.ky.docx` editions (labels projected, guideline §6.4). "
        "The development set is never used for training, for choosing a threshold or for the shipping decision.",
        "- Model: per language, TF-IDF word 1–2-grams and char_wb 3–5-grams plus the rule scores of "
        "`pipeline/analyze.py`; one \"has any factor\" logistic regression (class_weight=balanced, sigmoid-"
        "calibrated by 3-fold CalibratedClassifierCV). Factor ids come from the rules only: for every factor a "
        f"rule found, score = {RULE_WEIGHT} × rule score + {round(1 - RULE_WEIGHT, 2)} × P(any); the model never "
        "flags a clause no rule fired on.",
        f"- Thresholds (grid {THRESHOLD_GRID[0]}–{THRESHOLD_GRID[1]}, for the rules alone and for rules + model "
        "separately): the best \"has any factor\" F1 with precision ≥ 0.80 within one standard error, else the "
        "best F1 among the thresholds within one standard error of the best F0.5.",
        "- Shipping: a language's model ships only if rules + model beat the rules alone, each at its own "
        "threshold, by more than one standard error of the rules' F1; otherwise the rules decide alone at "
        f"their threshold. With fewer than {MIN_POSITIVES_FOR_THRESHOLD} positive clauses the rules decide at "
        f"{DEFAULT_THRESHOLD}. Shipped thresholds: {json.dumps(thresholds)}.",
        f"- Languages with a model: {json.dumps(sorted(meta['modelled_factors']), ensure_ascii=False)}",
        "",
        "## Validated figures (on the training annotations, never on the development set)", "",
        "| lang | clauses | with factor | folds | rules alone: threshold, any P/R/F1, micro F1 | rules+model: threshold, any P/R/F1, micro F1 | shipped |",
        "|---|---|---|---|---|---|---|",
    ]
    for lang, c in meta["cv"].items():
        r, m = c["rules"], c["combined"]
        lines.append(f"| {lang} | {c['n']} | {c['positives']} | {c['folds']} | {r['threshold']}: {r['any_p']}/{r['any_r']}/"
                     f"{r['any_f1']}, {r['micro_f1']} | {m['threshold']}: {m['any_p']}/{m['any_r']}/{m['any_f1']}, "
                     f"{m['micro_f1']} | {'rules+model' if c['model_used'] else 'rules alone'} at {c['threshold']} |")
    for lang, c in meta["cv"].items():
        sv = c.get("silver")
        if not sv:
            continue
        lines += ["", f"## {lang}: model trained on silver labels", "",
                  f"- Silver set: {sv['clauses']} clauses of the parallel codes in `../shared/corpus-samples/cbd-minjust-docx` "
                  f"(Kyrgyz clause paired with the Russian one of the same path in an aligned article; every gold-annotated "
                  f"clause left out by act + path and by identical text), {sv['positives']} labelled with a factor: the "
                  f"labels are what the Russian analyzer as shipped (threshold {sv['ru_threshold']}) flags on the Russian "
                  "counterpart. Built by `models/ky_silver.py`, cached under `data/cache/ky-silver/`.",
                  f"- Tested on all {c['n']} Kyrgyz gold clauses ({c['positives']} with a factor), which it never saw "
                  "(the row above).",
                  f"- Decision: {'the silver model is used' if c['model_used'] else 'not better than the rules alone, so not shipped; Kyrgyz is decided by its rules'}.",
                  "- Diagnostics: `python -m models.factors silver-cv` (held out by act)."]
    lines += ["", "Micro-F1 is over factor ids with missing_deadline and duplicate_powers scored as broad_discretion "
              "(guideline §6.3). Russian cross-validation: 5 folds of whole acts (GroupKFold), because the analyzer "
              "meets acts it has never seen; the rules are fixed data, the model and its calibration are refitted "
              "in every fold."]
    lines += ["", "Development-set figures: run `taraza evaluate` (they are printed, not stored here, so the card "
              "cannot drift from the code).", "",
              "Limits: the training set is small and its factor positives are few, and most come from a handful of "
              "codes; Kyrgyz gold labels are projected from the Russian clause, so a Kyrgyz wording that differs is "
              "not reflected."]
    out.with_suffix(".md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def load(path: Path = ARTIFACT) -> FactorModel | None:
    """The trained model, or None when no artifact exists (the analyzer then runs on rules alone)."""
    if not path.exists():
        return None
    import joblib

    return joblib.load(path)


if __name__ == "__main__":
    # run through the importable module, so the pickled classes are models.factors.*, not __main__.*
    from models import factors as _module

    cmd = sys.argv[1] if len(sys.argv) > 1 else "train"
    if cmd == "train":
        _module.train()
    elif cmd == "cv":
        _module.print_cross_validation(print, log=print)
    elif cmd == "silver-cv":
        _module.silver_diagnostics()
    else:
        raise SystemExit("usage: python -m models.factors [train|cv|silver-cv]")
