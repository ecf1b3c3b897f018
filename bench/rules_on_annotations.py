"""How the rules alone (score ≥ 0.5, as `ru.*` patterns decide without the model) do on a batch of the training
annotations: has-any precision, recall and F1 over the lines of the given annotators. A batch labelled after the
rules were written is a held-out test of them on a whole new act (batch 3, annotators F–J: the Labour Code 2025).

    python -m bench.rules_on_annotations --annotators FGHIJ [--repo OTHER_CHECKOUT] [-v]
    python -m bench.rules_on_annotations --annotators AA,AB,AC      (names longer than a letter: comma-separated)

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
    ap.add_argument("--annotators", required=True, help="annotator letters (FGHIJ) or comma-separated names (AA,AB)")
    ap.add_argument("--repo", type=Path, help="checkout whose rules to run (default: this one)")
    ap.add_argument("-v", action="store_true")
    args = ap.parse_args()
    if args.repo:
        sys.path.insert(0, str(args.repo.resolve()))
    from models.factors import decide, items_for, load_annotations, score_predictions
    from pipeline.analyze import RULES_ONLY_THRESHOLD, rule_hits_many, rule_scores

    lines = [json.loads(l) for l in ANNOTATIONS.read_text(encoding="utf-8").splitlines() if l.strip()]
    names = set(args.annotators.split(",")) if "," in args.annotators else set(args.annotators)
    keys = {(a["file"], a["path"]) for a in lines if a["annotator"] in names}
    rows = [r for r in load_annotations(ANNOTATIONS, log=lambda *_: None) if (r["file"], r["path"]) in keys]
    items = items_for(rows, "ru")
    hits = rule_hits_many(items)
    preds = [decide(rule_scores(h), RULES_ONLY_THRESHOLD) for h in hits]
    if args.v:
        for r, it, h, pred in zip(rows, items, hits, preds):
            if bool(r["labels"]) != bool(pred):
                print("FN" if r["labels"] else "FP", r["file"], r["path"], r["labels"] or pred,
                      sorted({x.rule for x in h}), "|", it["text"][:200])
    p, rc, f1, tp, fp, fn = score_predictions([r["labels"] for r in rows], preds)["any"]
    print(f"{len(rows)} clauses of annotators {args.annotators}, rules alone at {RULES_ONLY_THRESHOLD}: has-any "
          f"P {p:.2f} R {rc:.2f} F1 {f1:.2f} (tp {tp}, fp {fp}, fn {fn})")


if __name__ == "__main__":
    main()
