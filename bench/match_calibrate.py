"""What the matcher's weights and abstention thresholds rest on, measured without the dev set.

Scores the made-up paraphrases of plan measures (tests/fixtures/made-up-match-cases.yml, `on_plan`) and
off-plan text (made-up `off_plan` passages and random paragraphs of codes in ../shared/corpus-samples) against
the seed plan, and prints per language: top-1/top-3 on the paraphrases, the distribution of the abstention
evidence (best z, best raw) for both kinds, and how many of each the configured rule lets through.

    python -m bench.match_calibrate [--codes 150]
"""
from __future__ import annotations

import argparse
import random
from pathlib import Path

import numpy as np
import yaml

from pipeline.ingest import read_document
from pipeline.match import MeasureIndex, load_plan

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CASES = ROOT / "tests" / "fixtures" / "made-up-match-cases.yml"
CODES = ("labour-code-2025-23", "family-code-2003-201", "civil-code-part1-1996-15", "admin-procedure-code-2017-13")


def code_paragraphs(lang: str, n: int, seed: int = 0) -> list[str]:
    paras: list[str] = []
    for name in CODES:
        doc = read_document(SHARED / "corpus-samples" / "cbd-minjust-docx" / f"{name}.{lang}.docx")
        paras += [l for l in doc.text.split("\n") if 80 < len(l) < 600]
    return random.Random(seed).sample(paras, min(n, len(paras)))


def run(index: MeasureIndex, n_codes: int = 150, verbose: bool = False) -> dict:
    cases = yaml.safe_load(CASES.read_text(encoding="utf-8"))
    out = {}
    for lang in ("ru", "ky"):
        on = cases["on_plan"][lang] + cases.get("on_plan_hard", {}).get(lang, [])
        r = {"n": len(on), "top1": 0, "top3": 0, "matched_ok": 0, "on_ev": [], "off_ev": [], "code_ev": []}
        for c in on:
            total, ch = index.score(c["text"], lang)
            order = list(np.argsort(-total))
            got = [index.refs[i] for i in order[:3]]
            r["top1"] += got[0] in c["refs"]
            r["top3"] += bool(set(got) & set(c["refs"]))
            r["on_ev"].append(index.evidence(total, ch, lang))
            res = index.match({"id": "x", "text": c["text"], "lang": lang})
            r["matched_ok"] += bool(res.refs) and bool({x.ref for x in res.refs} & set(c["refs"]))
            if verbose and got[0] not in c["refs"]:
                print(f"  miss {lang} gold {c['refs']} got {got} ev {index.evidence(total, ch, lang)}")
        for t in cases["off_plan"][lang]:
            total, ch = index.score(t, lang)
            r["off_ev"].append(index.evidence(total, ch, lang))
        for t in code_paragraphs(lang, n_codes):
            total, ch = index.score(t, lang)
            r["code_ev"].append(index.evidence(total, ch, lang))
        out[lang] = r
    return out


def _rate(evs, index, lang) -> float:
    a = index.cfg["abstain"][index._pair(lang)]
    through = [z >= index.threshold(lang) and raw >= a["raw"] for z, raw in evs]
    return sum(through) / len(through) if through else 0.0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--codes", type=int, default=150)
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    index = MeasureIndex(load_plan(SHARED / "seeds" / "plan-2015-2017-resolution-170.ky.txt"))
    res = run(index, args.codes, args.verbose)
    for lang, r in res.items():
        print(f"{lang}: paraphrases n={r['n']} top-1 {r['top1'] / r['n']:.3f} [{r['top1']}/{r['n']}] "
              f"top-3 {r['top3'] / r['n']:.3f} [{r['top3']}/{r['n']}] matched with a right ref "
              f"{r['matched_ok'] / r['n']:.3f}")
        for name in ("on_ev", "off_ev", "code_ev"):
            ev = np.array(r[name])
            zs, raws = ev[:, 0], ev[:, 1]
            print(f"   {name:7} n={len(ev):3}  z p10/50/90 = {np.percentile(zs, 10):.2f}/{np.percentile(zs, 50):.2f}/"
                  f"{np.percentile(zs, 90):.2f}   raw p10/50/90 = {np.percentile(raws, 10):.3f}/"
                  f"{np.percentile(raws, 50):.3f}/{np.percentile(raws, 90):.3f}   let through {_rate(r[name], index, lang):.1%}")


if __name__ == "__main__":
    main()
