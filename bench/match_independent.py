"""The matcher as configured, measured on the independent made-up passages (issue 5).

    python -m bench.match_independent                  # the held-out parts b, c and blind-b (the honest figures)
    python -m bench.match_independent --part a         # a development half (in the calibration data: in-sample)
    python -m bench.match_independent --part blind-a
    python -m bench.match_independent --part blind-c   # the second round of plan-blind clips (in-sample too)

made-up-match-independent-{a,b,c}.yml were written by two engineers who had not seen the matcher, in
the styles of news items, press releases, NGO reports and lines of agency reports (each set 50 on-plan and 15
off-plan passages per language). The first set was split at random into halves: a joins the calibration passages
of bench.match_calibrate and the matcher's worked examples (corpus/match_examples/), b (tests/fixtures/) is never
used to choose anything; c, the second writer's set, is held out as a whole.
All three were written FROM the plan: a writer chose a measure, then wrote about it.

made-up-match-blind-{a,b}.yml are short clips written by engineers who had NOT read the plan (as press
officers write), then linked to measures by another engineer who had not seen the matcher; the Russian clips were
linked twice, independently, and the second expert's links are printed as a system beside the matcher: the ceiling.
Half blind-a is calibration data and worked examples (corpus/match_examples/), blind-b held out (tests/fixtures/).
made-up-match-blind-c.yml, a second round of such clips (80 RU / 200 KY by three other writers, linked by three
engineers who had not seen the matcher), is calibration data and worked examples as a whole; it was measured once
before any use (rules/match.yml records the figures).
The development halves are in-sample twice over: the `examples` channels find each of their passages in memory.
Prints what `taraza evaluate --task matching` prints for the dev set.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from pipeline.match import evaluate_rows
from pipeline.match_cli import print_matching_evaluation
from pipeline.match_examples import EXAMPLES_DIR

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


PARTS = {"a": "development, in-sample", "b": "held out", "c": "held out",
         "blind-a": "development, in-sample", "blind-b": "held out", "blind-c": "development, in-sample"}


def path_of(part: str) -> Path:
    name = f"made-up-match-{part}.yml" if part.startswith("blind") else f"made-up-match-independent-{part}.yml"
    return (EXAMPLES_DIR if PARTS[part].startswith("development") else FIXTURES) / name


def rows_of(path: Path) -> list[dict]:
    """The YAML's passages as records in the dev set's shape."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for part, items_by_lang in data.items():
        for lang, items in items_by_lang.items():
            for k, it in enumerate(items):
                rows.append({"id": f"{part}:{lang}:{k}", "passage": it["text"], "lang": lang,
                             "gold_refs": it.get("refs") or ["none"], "status": it.get("status", "unclear"),
                             "agency": it.get("agency", ""), "date": str(it.get("date", "")),
                             "second_refs": it.get("second_refs")})
    return rows


def second_expert(rows: list[dict]) -> str | None:
    """The second expert's links scored as the matcher is scored (first ref = top-1), where a set has them."""
    rows = [r for r in rows if r["second_refs"] is not None]
    if not rows:
        return None
    gold = [r for r in rows if r["gold_refs"] != ["none"]]
    none = [r for r in rows if r["gold_refs"] == ["none"]]
    top1 = sum(bool(r["second_refs"]) and r["second_refs"][0] in r["gold_refs"] for r in gold)
    top3 = sum(bool(set(r["second_refs"][:3]) & set(r["gold_refs"])) for r in gold)
    kept_out = sum(not r["second_refs"] for r in none)
    return (f"  second expert, same passages: top-1 {top1 / len(gold):.3f} [{top1}/{len(gold)}]  top-3 "
            f"{top3 / len(gold):.3f} [{top3}/{len(gold)}]  none {kept_out / len(none):.3f} [{kept_out}/{len(none)}]")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=tuple(PARTS), action="append", help="default: b, c and blind-b")
    args = ap.parse_args(argv)
    for part in args.part or ("b", "c", "blind-b"):
        path = path_of(part)
        rows = rows_of(path)
        print_matching_evaluation(evaluate_rows(rows), title=f"{path.name}, {PARTS[part]}")
        line = second_expert(rows)
        if line:
            print(line)


if __name__ == "__main__":
    main()
