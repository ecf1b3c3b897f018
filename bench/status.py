"""Status accuracy (done / in_progress / not_done / unclear) of the cue classifier on the made-up status sets.

    python -m bench.status            # every set, per language, with the confusion of the errors
    python -m bench.status --show a   # also print the misclassified passages of sets whose name contains «a»

The sets (tests/fixtures/, all MADE UP, written by people who had not seen the cues):
  made-up-status-passages.yml  160 short lines (cues revised on it: in-sample);
  made-up-status-long-a.yml    100 longer mixed passages (cues revised on it: in-sample);
  made-up-status-long-b.yml    100 from the same pool, held out (never read while changing the cues).
The status of the made-up match passages (corpus/match_examples/made-up-match-reports.yml) is measured too, without the
measure (a draft reported for a drafting measure reads as done only with it).
"""
from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

import yaml

from pipeline.match_status import classify_status

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SETS = ["made-up-status-passages.yml", "made-up-status-long-a.yml", "made-up-status-long-b.yml",
        "made-up-match-reports.yml"]
# the match passages are the matcher's worked examples, kept as package data
ELSEWHERE = {"made-up-match-reports.yml": ROOT / "corpus" / "match_examples"}


def load(name: str) -> list[dict]:
    data = yaml.safe_load((ELSEWHERE.get(name, FIXTURES) / name).read_text(encoding="utf-8"))
    if "passages" in data:
        return data["passages"]
    return [dict(it, lang=lang) for lang, items in data["on_plan"].items() for it in items if "status" in it]


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--show", default="", help="print the errors of sets whose file name contains this")
    args = ap.parse_args(argv)
    for name in SETS:
        items = load(name)
        for lang in ("ru", "ky"):
            mine = [p for p in items if p["lang"] == lang]
            errors = Counter()
            for p in mine:
                res = classify_status(p["text"], lang)
                if res.status != p["status"]:
                    errors[(p["status"], res.status)] += 1
                    if args.show and args.show in name:
                        print(f"  gold {p['status']}, got {res.status} {res.cues}\n    {p['text']}")
            ok = len(mine) - sum(errors.values())
            conf = ", ".join(f"{g}→{s} {n}" for (g, s), n in errors.most_common())
            print(f"{name:32} {lang}  {ok / len(mine):.3f} [{ok}/{len(mine)}]  errors: {conf or 'none'}")


if __name__ == "__main__":
    main()
