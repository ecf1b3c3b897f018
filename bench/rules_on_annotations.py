"""How the rules alone (score ≥ 0.5, as `ru.*` patterns decide without the model) do on a batch of the training
annotations: has-any precision, recall and F1 over the lines of the given annotators. A batch labelled after the
rules were written is a held-out test of them on a whole new act (batch 3, annotators F–J: the Labour Code 2025).

    python -m bench.rules_on_annotations --annotators FGHIJ [--repo OTHER_CHECKOUT] [-v]

``--repo`` runs the rules of another checkout (e.g. `git worktree add /tmp/base <rev>`) on this checkout's
annotation file, so the figure before a change can be rerun; ``-v`` lists the disagreements.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ANNOTATIONS = Path(__file__).resolve().parents[1] / "corpus" / "annotations" / "factors-ru.jsonl"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--annotators", required=True, help="annotator letters, e.g. FGHIJ")
    ap.add_argument("--repo", type=Path, help="checkout whose rules to run (default: this one)")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    if args.repo:
        sys.path.insert(0, str(args.repo.resolve()))
    from models.factors import items_for, load_annotations
    from pipeline.analyze import rule_hits_many, rule_scores

    lines = [json.loads(l) for l in ANNOTATIONS.read_text(encoding="utf-8").splitlines() if l.strip()]
    keys = {(a["file"], a["path"]) for a in lines if a["annotator"] in set(args.annotators)}
    rows = [r for r in load_annotations(ANNOTATIONS, log=lambda *_: None) if (r["file"], r["path"]) in keys]
    items = items_for(rows, "ru")
    tp = fp = fn = 0
    for r, it, hits in zip(rows, items, rule_hits_many(items)):
        flagged = {f for f, s in rule_scores(hits).items() if s >= 0.5}
        gold = bool(r["labels"])
        tp += gold and bool(flagged)
        fn += gold and not flagged
        fp += bool(flagged) and not gold
        if args.v and gold != bool(flagged):
            print("FN" if gold else "FP", r["file"], r["path"], r["labels"] or sorted(flagged),
                  sorted({h.rule for h in hits}), "|", it["text"][:200])
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * p * rc / (p + rc) if p + rc else 0.0
    print(f"{len(rows)} clauses of annotators {args.annotators}, rules alone at 0.5: has-any "
          f"P {p:.2f} R {rc:.2f} F1 {f1:.2f} (tp {tp}, fp {fp}, fn {fn})")


if __name__ == "__main__":
    main()
