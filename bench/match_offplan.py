"""Score distribution of off-plan text against a plan: what the matcher's abstention thresholds rest on.

Paragraphs of codes (which report nothing on an anti-corruption action plan) are scored against the seed plan's
measures; the percentiles of the abstention model's probability (rules/match_abstain.yml: how likely the passage
reports on the plan), per language, against its cut show how much off-plan text gets through. Prints those
percentiles, the share let through, and the time per passage (the passages embedded in one batch first). `bench.match_calibrate` does the same
with the made-up on-plan paraphrases beside it.

    python -m bench.match_offplan [--n 200]
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np

from pipeline.ingest import read_document
from pipeline.match import MeasureIndex, load_plan

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CODES = ("labour-code-2025-23", "family-code-2003-201", "civil-code-part1-1996-15", "admin-procedure-code-2017-13")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    args = ap.parse_args()
    plan = load_plan(SHARED / "seeds" / "plan-2015-2017-resolution-170.ky.txt")
    t0 = time.perf_counter()
    index = MeasureIndex(plan)
    print(f"index of {len(index.refs)} measures built in {time.perf_counter() - t0:.2f} s")
    rng = random.Random(0)
    for lang in ("ru", "ky"):
        paras: list[str] = []
        for name in CODES:
            doc = read_document(SHARED / "corpus-samples" / "cbd-minjust-docx" / f"{name}.{lang}.docx")
            paras += [l for l in doc.text.split("\n") if 80 < len(l) < 600]
        sample = rng.sample(paras, min(args.n, len(paras)))
        t0 = time.perf_counter()
        index.prime([{"text": p} for p in sample])
        probs = []
        for p in sample:
            total, ch = index.score(p, lang)
            probs.append(index.abstain_probability(total, ch, lang, p))
        dt = (time.perf_counter() - t0) / len(sample)
        cut = index.settings("abstain", lang)["cut"]
        through = sum(p >= cut for p in probs)
        pct = np.percentile(probs, [50, 80, 90, 95, 99])
        print(f"{lang} (profile {index.profile}): n={len(sample)} on-plan probability percentiles 50/80/90/95/99 = "
              + " / ".join(f"{x:.3f}" for x in pct) + f" (cut {cut})"
              + f"; the abstention rule lets {through / len(sample):.1%} through; {dt * 1000:.1f} ms per passage")


if __name__ == "__main__":
    main()
