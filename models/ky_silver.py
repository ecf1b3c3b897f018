"""The Kyrgyz silver set: every clause pair of the parallel codes in ../shared/corpus-samples/cbd-minjust-docx
(Russian clause, Kyrgyz clause with the same path inside an aligned article), minus the gold-annotated clauses,
with both languages' rule scores. Silver labels (the Russian analyzer's flags on the Russian counterpart) are
put on by models.factors at training time, from the Russian model it has just trained.

Nothing is copied into the repository: the set is computed from ../shared and cached under
data/cache/ky-silver/ (the rules over ~34,000 clauses take about a minute on two cores). The cache key covers
the source files' sha256, the rules/ data files and the code that parses and applies them, so an edited rule
or parser rebuilds it.

    python -m models.ky_silver          # build (or reuse) the cache and print its size and label counts
"""
from __future__ import annotations

import gzip
import hashlib
import json
import sys
from collections import Counter, defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARALLEL = ROOT.parent / "shared" / "corpus-samples" / "cbd-minjust-docx"
CACHE = ROOT / "data" / "cache" / "ky-silver"
# never annotated, trained or written rules on (project guide); none is in the folder today, this keeps it so
EXCLUDED_ACTS = ("land-code", "tax-code")
# what the cached rule scores and clause pairs depend on besides the source files and rules/
CODE_DEPS = ("pipeline/analyze.py", "pipeline/structure.py", "pipeline/ingest.py", "pipeline/lexicon.py",
             "models/ky_silver.py")


def clause_pairs(folder: Path = PARALLEL, acts: str | None = None) -> tuple[list[dict], Counter]:
    """{"act", "path", "ru", "ky"} for every clause whose path is the same in both editions of an aligned
    article (an article split differently in the two editions is skipped: pairing by position would guess),
    and counts of what was paired and skipped. `acts`: only pairs whose file name contains it."""
    from pipeline.analyze import clause_item
    from pipeline.ingest import read_document
    from pipeline.lexicon import parallel_pairs
    from pipeline.structure import align_articles, parse_document

    stats: Counter = Counter()
    out: list[dict] = []
    for ru_path, ky_path in parallel_pairs(folder):
        act = ru_path.name[: -len(".ru.docx")]
        if any(x in act for x in EXCLUDED_ACTS) or (acts and acts not in ru_path.name):
            continue
        ru, ky = parse_document(read_document(ru_path)), parse_document(read_document(ky_path))
        by_art = {lang: defaultdict(list) for lang in ("ru", "ky")}
        for lang, st in (("ru", ru), ("ky", ky)):
            for c in st.clauses:
                by_art[lang][c.article].append(c)
        for a, b in align_articles(ru, ky):
            rc, kc = by_art["ru"].get(a.number, []), by_art["ky"].get(b.number, [])
            if [c.path for c in rc] != [c.path for c in kc]:
                stats["articles skipped"] += 1
                stats["clauses skipped"] += len(rc)
                continue
            stats["articles paired"] += 1
            for r, k in zip(rc, kc):
                out.append({"act": act, "path": r.path, "ru": clause_item(r, "ru"), "ky": clause_item(k, "ky")})
        stats["acts"] += 1
    stats["clauses paired"] = len(out)
    return out, stats


def _cache_key(folder: Path) -> str:
    h = hashlib.sha256()
    files = sorted(folder.glob("*.docx")) + sorted(p for p in (ROOT / "rules").rglob("*") if p.is_file()
                                                    and "__pycache__" not in p.parts)
    files += [ROOT / d for d in CODE_DEPS]
    for p in files:
        h.update(p.name.encode())
        h.update(hashlib.sha256(p.read_bytes()).digest())
    return h.hexdigest()[:16]


def _scores(items: list[dict]) -> list[dict[str, float]]:
    from pipeline.analyze import rule_hits_many, rule_scores

    return [rule_scores(h) for h in rule_hits_many(items)]


def build(folder: Path = PARALLEL, cache: Path | None = CACHE, jobs: int = 2, log=print) -> list[dict]:
    """All clause pairs with "rs_ru" and "rs_ky" (rule scores per factor); cached by content key."""
    key = _cache_key(folder)
    f = cache / f"pairs-{key}.jsonl.gz" if cache else None
    if f is not None and f.exists():
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            return [json.loads(line) for line in fh]
    log(f"ky silver: parsing the parallel codes in {folder} and running both languages' rules (cache {key})")
    pairs, _ = clause_pairs(folder)
    ru, ky = [p["ru"] for p in pairs], [p["ky"] for p in pairs]
    if jobs > 1:
        # one language per process: the two rule sets are independent and each takes about a minute
        with ProcessPoolExecutor(max_workers=2) as ex:
            fr, fk = ex.submit(_scores, ru), ex.submit(_scores, ky)
            rs_ru, rs_ky = fr.result(), fk.result()
    else:
        rs_ru, rs_ky = _scores(ru), _scores(ky)
    for p, a, b in zip(pairs, rs_ru, rs_ky):
        p["rs_ru"], p["rs_ky"] = a, b
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        for old in f.parent.glob("pairs-*.jsonl.gz"):      # one live cache: the key changes with every rule edit
            old.unlink()
        tmp = f.with_suffix(".tmp")
        with gzip.open(tmp, "wt", encoding="utf-8") as fh:
            for p in pairs:
                fh.write(json.dumps(p, ensure_ascii=False) + "\n")
        tmp.replace(f)
    return pairs


def gold_keys(rows: list[dict]) -> tuple[set[tuple[str, str]], set[str]]:
    """(act, path) of every gold-annotated clause, and their normalised Kyrgyz texts: both are kept out of the
    silver set so the gold counterparts stay a clean test set (a code repeating a clause verbatim elsewhere
    would otherwise leak it)."""
    keys, texts = set(), set()
    for r in rows:
        name = Path(r["file"]).name
        if name.endswith(".ru.docx"):
            keys.add((name[: -len(".ru.docx")], r["path"]))
        if r.get("text_ky"):
            texts.add(_norm(r["text_ky"]))
    return keys, texts


def _norm(t: str) -> str:
    return " ".join((t or "").lower().split())


def silver_pairs(rows: list[dict], log=print, pairs: list[dict] | None = None, **kw) -> list[dict]:
    """The clause pairs (built or given) minus every gold clause (by act + path, and by identical Kyrgyz
    text) and minus pairs whose Kyrgyz side is empty."""
    keys, texts = gold_keys(rows)
    pairs = build(log=log, **kw) if pairs is None else pairs
    out = [p for p in pairs if (p["act"], p["path"]) not in keys and p["ky"]["text"].strip()
           and _norm(p["ky"]["text"]) not in texts]
    log(f"ky silver: {len(out)} of {len(pairs)} clause pairs ({len(pairs) - len(out)} gold or empty left out)")
    return out


if __name__ == "__main__":
    from models.factors import load_annotations

    sp = silver_pairs(load_annotations(log=lambda *_: None))
    ru = Counter(f for p in sp for f, s in p["rs_ru"].items() if s >= 0.35)
    ky = Counter(f for p in sp for f, s in p["rs_ky"].items() if s >= 0.5)
    print("RU rule factors (score ≥ 0.35):", dict(ru.most_common()))
    print("KY rule factors (score ≥ 0.5):", dict(ky.most_common()))
    sys.exit(0)
