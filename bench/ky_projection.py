"""How far the Kyrgyz rules agree with the Russian ones, measured by projection over the parallel codes.

    python -m bench.ky_projection                      # figures over every RU/KY pair
    python -m bench.ky_projection --show ru.vprave.active --n 15     # RU hits whose KY counterpart is missed
    python -m bench.ky_projection --extra ky.vprave.active --n 15    # KY hits whose RU counterpart has none
    python -m bench.ky_projection --acts family-code               # only pairs whose name contains this

Every `X.ru.docx` / `X.ky.docx` pair in ../shared/corpus-samples/cbd-minjust-docx is parsed
(pipeline.structure.parse_document), its articles paired by number (align_articles) and, inside an aligned
article, its clauses paired by path. An article whose RU and KY clause paths differ is skipped (the editions
are split differently there, so a pairing by position would be a guess). The Russian rules run on the Russian
clause, the Kyrgyz rules on its counterpart.

The Russian rules' decisions are the *silver* standard here (they are not gold: the Russian rules have their
own errors), so the figures say how well the Kyrgyz rules reproduce the Russian analyzer, not how right
either is. Printed:
  * per factor: RU hits, KY counterparts flagged with the same factor (recall vs silver), KY hits whose RU
    counterpart lacks the factor (disagreement; inspect with --extra: sometimes the Kyrgyz rule is right);
  * per RU rule: its hits and how many of their counterparts the KY rules flag with the rule's factor;
  * per KY rule: its hits and how many agree with the Russian analyzer;
  * "has any factor" and micro P/R/F1 over factor ids (missing_deadline and duplicate_powers scored as
    broad_discretion, as `taraza evaluate` does), KY against RU silver;
  * the same against the gold labels of corpus/annotations/factors-ru.jsonl projected to their Kyrgyz
    counterparts (training annotations, not the development set), beside the Russian rules on the Russian text.
"""
from __future__ import annotations

import argparse
import time
from collections import Counter

from models.ky_silver import clause_pairs  # the pairing the Kyrgyz silver set uses too


def _score(pred: list[set], gold: list[set]) -> tuple[str, str]:
    """Has-any and micro figures (sub-types collapsed), as `taraza evaluate` prints them."""
    from models.factors import score_predictions
    from pipeline.analyze_cli import _fmt

    res = score_predictions([sorted(g) for g in gold], [sorted(p) for p in pred])
    return _fmt(res["any"]), _fmt(res["micro"])


def _short(t: str, n: int = 260) -> str:
    t = " ".join((t or "").split())
    return t if len(t) <= n else t[: n - 1] + "…"


def gold_report() -> None:
    """KY rules on the Kyrgyz counterparts of the gold-labelled training clauses, beside RU rules on RU."""
    from models.factors import items_for, load_annotations
    from pipeline.analyze import rule_hits_many

    rows = load_annotations(log=lambda *_: None)
    for lang in ("ru", "ky"):
        items = items_for(rows, lang)
        hits = rule_hits_many(items)
        pred = [{h.factor for h in hs} for hs in hits]
        gold = [set(it["labels"]) for it in items]
        anyf, micro = _score(pred, gold)
        print(f"  {lang} ({len(items)} clauses, {sum(1 for g in gold if g)} positive)  has-any {anyf}")
        print(f"  {lang}{'':>{len(str(len(items))) + 30}}micro {micro}")



def _rule_table(title: str, hits: list, other_factors: list) -> None:
    """Per rule of one language: its hits, and how many counterparts the other language flags likewise."""
    print("\n" + title)
    n: Counter = Counter()
    ok: Counter = Counter()
    for hs, other in zip(hits, other_factors):
        for rid, fac in {(h.rule, h.factor) for h in hs}:
            n[(rid, fac)] += 1
            ok[(rid, fac)] += fac in other
    for (rid, fac), k in sorted(n.items(), key=lambda kv: -kv[1]):
        print(f"  {rid:40s} {fac:30s} {k:5d} | {ok[(rid, fac)]:5d} {ok[(rid, fac)] / k:.2f}")

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--acts", help="only pairs whose file name contains this")
    ap.add_argument("--show", metavar="RU_RULE", help="print RU hits of this rule whose KY counterpart is missed")
    ap.add_argument("--extra", metavar="KY_RULE", help="print KY hits of this rule the RU analyzer does not share")
    ap.add_argument("--agree", metavar="KY_RULE", help="print KY hits of this rule the RU analyzer shares")
    ap.add_argument("--n", type=int, default=10, help="how many examples to print")
    ap.add_argument("--no-gold", action="store_true", help="skip the gold-annotation comparison")
    args = ap.parse_args()

    from pipeline.analyze import rule_hits_many

    t0 = time.perf_counter()
    pairs, stats = clause_pairs(acts=args.acts)
    t1 = time.perf_counter()
    ru_hits = rule_hits_many([p["ru"] for p in pairs])
    ky_hits = rule_hits_many([p["ky"] for p in pairs])
    t2 = time.perf_counter()
    print(f"pairs: {dict(stats)}  (parse {t1 - t0:.0f}s, rules {t2 - t1:.0f}s)")

    ru_f = [{h.factor for h in hs} for hs in ru_hits]
    ky_f = [{h.factor for h in hs} for hs in ky_hits]

    if args.show or args.extra or args.agree:
        shown = 0
        for p, rh, kh, rf, kf in zip(pairs, ru_hits, ky_hits, ru_f, ky_f):
            if shown >= args.n:
                break
            if args.show:
                mine = [h for h in rh if h.rule == args.show]
                if not mine or mine[0].factor in kf:
                    continue
                what = f"RU «{mine[0].evidence}» → KY has {sorted(kf) or '-'}"
            else:
                rid = args.extra or args.agree
                mine = [h for h in kh if h.rule == rid]
                if not mine or (mine[0].factor in rf) != bool(args.agree):
                    continue
                what = f"KY «{mine[0].evidence}» ({mine[0].factor}) → RU has {sorted(rf) or '-'}"
            shown += 1
            print(f"\n[{p['act']} {p['path']}] {what}")
            if p["ru"]["lead_in"]:
                print(f"  RU lead: {_short(p['ru']['lead_in'], 160)}")
            print(f"  RU: {_short(p['ru']['text'])}")
            if p["ky"]["lead_in"]:
                print(f"  KY lead: {_short(p['ky']['lead_in'], 160)}")
            print(f"  KY: {_short(p['ky']['text'])}")
        return

    from pipeline.analyze import CLAUSE_FACTORS

    print("\nper factor: RU hits | KY counterparts with the factor (recall vs silver) | KY-only hits")
    for f in CLAUSE_FACTORS:
        n_ru = sum(1 for rf in ru_f if f in rf)
        agree = sum(1 for rf, kf in zip(ru_f, ky_f) if f in rf and f in kf)
        extra = sum(1 for rf, kf in zip(ru_f, ky_f) if f in kf and f not in rf)
        if n_ru or extra:
            rec = f"{agree / n_ru:.2f}" if n_ru else "  - "
            print(f"  {f:30s} {n_ru:5d} | {agree:5d} {rec} | {extra:5d}")

    _rule_table("per RU rule (rule's own factor): RU hits | KY counterparts flagged with it (recall)", ru_hits, ky_f)
    _rule_table("per KY rule: KY hits | RU counterpart has the factor (agreement)", ky_hits, ru_f)

    anyf, micro = _score(ky_f, ru_f)
    print(f"\nKY rules vs RU silver ({len(pairs)} clause pairs, {sum(1 for r in ru_f if r)} with an RU hit)")
    print(f"  has-any {anyf}")
    print(f"  micro   {micro}")
    if not args.no_gold:
        print("\ngold training annotations (corpus/annotations/factors-ru.jsonl; KY = same path in .ky.docx):")
        gold_report()


if __name__ == "__main__":
    main()
