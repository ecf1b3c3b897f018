"""The matcher as configured, measured on the independent made-up passages (issue 5).

    python -m bench.match_independent            # the held-out parts b and c (the honest figures)
    python -m bench.match_independent --part a   # the development half (in the calibration data: in-sample)

tests/fixtures/made-up-match-independent-{a,b,c}.yml were written by two engineers who had not seen the matcher, in
the styles of news items, press releases, NGO reports and lines of agency reports (each set 50 on-plan and 15
off-plan passages per language). The first set was split at random into halves: a joins the calibration passages
of bench.match_calibrate, b is never used to choose anything; c, the second writer's set, is held out as a whole.
Prints what `taraza evaluate --task matching` prints for the dev set.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from pipeline.match import evaluate_rows
from pipeline.match_cli import print_matching_evaluation

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures"


def rows_of(path: Path) -> list[dict]:
    """The YAML's passages as records in the dev set's shape."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows = []
    for part, items_by_lang in data.items():
        for lang, items in items_by_lang.items():
            for k, it in enumerate(items):
                rows.append({"id": f"{part}:{lang}:{k}", "passage": it["text"], "lang": lang,
                             "gold_refs": it.get("refs") or ["none"], "status": it.get("status", "unclear"),
                             "agency": it.get("agency", ""), "date": it.get("date", "")})
    return rows


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--part", choices=("a", "b", "c"), action="append", help="default: b and c")
    args = ap.parse_args(argv)
    for part in args.part or ("b", "c"):
        path = FIXTURES / f"made-up-match-independent-{part}.yml"
        role = "development, in-sample" if part == "a" else "held out"
        print_matching_evaluation(evaluate_rows(rows_of(path)), title=f"{path.name}, {role}")


if __name__ == "__main__":
    main()
