"""Reproducible sampling of candidate clauses for corruption-factor annotation (issue 4).

Prints JSONL, one candidate clause per line, with stand-off offsets into
``read_document(file).text`` so annotators label without copying texts into the repo::

    python corpus/annotations/sample_clauses.py --seed 4 --n 130 \\
        --acts cbd-minjust-docx/admin-procedure-code-2017-13.ru.docx

``--n`` is either one number for every act or ``ACT=N`` pairs matching ``--acts``
(e.g. ``--n admin-procedure-code-2017-13.ru.docx=130 water-code-2005-8.ru.txt=60``).
About ``--trigger-share`` (default 0.6) of each act's sample is drawn from clauses containing
a trigger cue (list in ``sampling-triggers.yml`` beside this script) and the rest at random from
all remaining clauses, so clean clauses are represented. Repealed and empty clauses are skipped.
``--exclude`` takes JSONL files of already annotated clauses (file + start) to leave out, so a
second round does not repeat the first; ``--articles ACT=FROM-TO`` restricts an act to article
ranges (e.g. the procedural part of a code). Each record's ``stratum`` says whether it was drawn
from the trigger stratum or at random (a random draw may still contain a trigger). The draw depends only on the seed, the act file name
and the parser output, so rerunning gives the same sample.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
SAMPLES = Path("/work/shared/corpus-samples")
TRIGGERS_FILE = HERE / "sampling-triggers.yml"
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere: the repo root holds `pipeline`

# A clause that only records its repeal (or is a bare number) carries nothing to label.
REPEALED = re.compile(r"^\s*[\d.)\s-]*\(?\s*(утратил[аои]?\s+силу|исключен[аоы]?)\b", re.I)
MIN_WORDS = 4


def load_triggers(path: Path = TRIGGERS_FILE) -> list[tuple[str, re.Pattern]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [(name, re.compile(rx, re.I)) for name, rx in data["triggers"].items()]


def triggers_in(text: str, triggers) -> list[str]:
    return [name for name, rx in triggers if rx.search(text)]


# Editorial notes and stray heading fragments that the first filter let through: dropped after the draw
# and replaced by further draws from the same generator, so samples drawn before this filter existed
# keep every substantive clause they had (the replacements come last).
EDITORIAL = re.compile(r"^\s*[-–—]?\s*\((?=[^)]*(утратил[аои]?\s+силу|в\s+редакции|исключен))[^)]*\)?[;.]?\s*$", re.I)


def is_editorial(clause) -> bool:
    return bool(EDITORIAL.match(clause.text)) or not clause.article


def is_substantive(text: str) -> bool:
    if REPEALED.search(text):
        return False
    return len(re.findall(r"\w+", text)) >= MIN_WORDS


def act_rng(seed: int, rel: str) -> random.Random:
    """One generator per act: adding or reordering acts does not change another act's sample."""
    digest = hashlib.sha256(f"{seed}:{Path(rel).name}".encode()).hexdigest()
    return random.Random(int(digest[:16], 16))


def parse_counts(n_args: list[str], acts: list[str]) -> dict[str, int]:
    if len(n_args) == 1 and n_args[0].isdigit():
        return {a: int(n_args[0]) for a in acts}
    counts: dict[str, int] = {}
    for item in n_args:
        key, _, val = item.partition("=")
        match = [a for a in acts if a == key or Path(a).name == key or Path(a).name.startswith(key)]
        if len(match) != 1 or not val.isdigit():
            raise SystemExit(f"--n {item!r}: expected ACT=N naming exactly one of --acts")
        counts[match[0]] = int(val)
    missing = [a for a in acts if a not in counts]
    if missing:
        raise SystemExit(f"--n gives no count for {', '.join(missing)}")
    return counts


def parse_ranges(items: list[str], acts: list[str]) -> dict[str, list[tuple[int, int]]]:
    """``ACT=1-50,300-320`` keeps only clauses of those article numbers (e.g. procedural parts of a code)."""
    out: dict[str, list[tuple[int, int]]] = {}
    for item in items:
        key, _, spec = item.partition("=")
        match = [a for a in acts if a == key or Path(a).name.startswith(key)]
        if len(match) != 1:
            raise SystemExit(f"--articles {item!r}: expected ACT=FROM-TO[,FROM-TO] naming one of --acts")
        for part in spec.split(","):
            lo, _, hi = part.partition("-")
            out.setdefault(match[0], []).append((int(lo), int(hi or lo)))
    return out


def in_ranges(article: str, ranges) -> bool:
    if not ranges:
        return True
    m = re.match(r"\d+", article or "")
    return bool(m) and any(lo <= int(m.group()) <= hi for lo, hi in ranges)


def load_excluded(paths: list[str]) -> set[tuple[str, int]]:
    seen: set[tuple[str, int]] = set()
    for p in paths:
        for line in Path(p).read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                seen.add((rec["file"], int(rec["start"])))
    return seen


def sample_act(rel: str, n: int, seed: int, share: float, triggers, excluded, samples: Path = SAMPLES,
               ranges=None) -> list[dict]:
    from pipeline.ingest import read_document
    from pipeline.structure import parse_document

    path = samples / rel
    doc = read_document(path)
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    st = parse_document(doc)
    cands = []
    for c in st.clauses:
        assert doc.text[c.start:c.end] == c.text, (rel, c.path)
        if not is_substantive(c.text) or (rel, c.start) in excluded or not in_ranges(c.article, ranges):
            continue
        cands.append((c, triggers_in(c.text + "\n" + c.lead_in, triggers)))
    rng = act_rng(seed, rel)
    with_trig = [x for x in cands if x[1]]
    k_trig = min(len(with_trig), round(n * share))
    picked = [(c, t, "trigger") for c, t in rng.sample(with_trig, k_trig)]
    chosen_ids = {id(x[0]) for x in picked}
    rest = [x for x in cands if id(x[0]) not in chosen_ids]
    picked += [(c, t, "random") for c, t in rng.sample(rest, min(len(rest), n - k_trig))]
    dropped = [x for x in picked if is_editorial(x[0])]
    picked = [x for x in picked if not is_editorial(x[0])]
    taken = {id(x[0]) for x in picked} | {id(x[0]) for x in dropped}
    pool = [x for x in cands if id(x[0]) not in taken and not is_editorial(x[0])]
    for _c, _t, stratum in dropped:
        same = [x for x in pool if bool(x[1]) == (stratum == "trigger")] if stratum == "trigger" else pool
        if not same:
            continue
        c, t = same[rng.randrange(len(same))]
        pool = [x for x in pool if x[0] is not c]
        picked.append((c, t, stratum))
    picked.sort(key=lambda x: x[0].start)
    out = []
    for c, trig, stratum in picked:
        out.append({
            "file": rel, "sha256": sha, "path": c.path, "start": c.start, "end": c.end,
            "article": c.article, "article_heading": c.article_heading, "lead_in": c.lead_in,
            "text": c.text, "has_trigger": bool(trig), "triggers": trig, "stratum": stratum,
        })
    print(f"{rel}: {len(st.clauses)} clauses, {len(cands)} substantive, {len(with_trig)} with triggers; "
          f"sampled {len(out)} ({sum(r['has_trigger'] for r in out)} with triggers; "
          f"{len(dropped)} editorial notes replaced)", file=sys.stderr)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--acts", nargs="+", required=True, help="act files relative to the samples directory")
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--n", nargs="+", required=True, help="N for every act, or ACT=N pairs")
    ap.add_argument("--trigger-share", type=float, default=0.6)
    ap.add_argument("--articles", nargs="*", default=[],
                    help="ACT=FROM-TO[,FROM-TO]: sample only those article numbers of that act")
    ap.add_argument("--exclude", nargs="*", default=[], help="JSONL files of clauses already annotated")
    ap.add_argument("--samples", default=str(SAMPLES), help="corpus-samples directory")
    args = ap.parse_args(argv)
    samples = Path(args.samples)
    for rel in args.acts:
        if "land-code" in rel or "tax-code" in rel:
            raise SystemExit(f"{rel}: the Land Code and the Tax Code are never annotated")
    counts = parse_counts(args.n, args.acts)
    triggers = load_triggers()
    excluded = load_excluded(args.exclude)
    ranges = parse_ranges(args.articles, args.acts)
    for rel in args.acts:
        for rec in sample_act(rel, counts[rel], args.seed, args.trigger_share, triggers, excluded, samples,
                              ranges.get(rel)):
            sys.stdout.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
