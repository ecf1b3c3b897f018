"""Throughput of the factor analyzer beside bare spaCy tokenization + lemmatization of the same clauses.

    python -m bench.analyze [--jobs 2] [--file ../shared/corpus-samples/cbd-minjust-docx/labour-code-2025-23.ru.docx]

Prints clauses/s and tokens/s for: bare spaCy (blank("ru") + spaCy's stock pymorphy3 lemmatizer, nlp.pipe), full
analysis (rules + model + explanations; its pipeline remembers each word's lemmas, pipeline.analyze._word_cached)
on one core, and full analysis with --jobs worker processes.
"""
from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "corpus-samples" / "cbd-minjust-docx" / "labour-code-2025-23.ru.docx"


def _clauses(path: Path) -> list[dict]:
    from pipeline.analyze import clause_item
    from pipeline.ingest import read_document
    from pipeline.structure import parse_document

    doc = read_document(path)
    return [clause_item(c, doc.language) for c in parse_document(doc).clauses]


def _work(chunk: list[dict]) -> int:
    from pipeline.analyze import classify_items

    return sum(len(f) for f in classify_items(chunk))


def _warm(_=None) -> int:
    return _work([{"text": "Уполномоченный орган вправе отказать.", "lang": "ru"},
                  {"text": "Орган укуктуу.", "lang": "ky"}])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", type=Path, action="append")
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    files = args.file or [DEFAULT, DEFAULT.with_name(DEFAULT.name.replace(".ru.", ".ky."))]
    items = [it for f in files for it in _clauses(f)]
    import spacy

    bare = {"ru": spacy.blank("ru"), "ky": spacy.blank("ky")}
    bare["ru"].add_pipe("lemmatizer", config={"mode": "pymorphy3"})
    bare["ru"].initialize()
    from pipeline.analyze import nlp_for

    for lang in ("ru", "ky"):
        nlp_for(lang)
    _warm()
    n_tok = 0
    t = time.perf_counter()
    for lang in ("ru", "ky"):
        texts = [it["text"].lower() for it in items if it["lang"] == lang]
        n_tok += sum(len(d) for d in bare[lang].pipe(texts, batch_size=256))
    t_bare = time.perf_counter() - t

    t = time.perf_counter()
    flags = _work(items)
    t_one = time.perf_counter() - t

    chunks = [items[i:i + 200] for i in range(0, len(items), 200)]
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        list(pool.map(_warm, range(args.jobs)))     # model and pipelines loaded in every worker first
        t = time.perf_counter()
        flags_j = sum(pool.map(_work, chunks))
        t_jobs = time.perf_counter() - t

    n = len(items)
    print(f"clauses: {n} ({', '.join(p.name for p in files)}), tokens: {n_tok}, flags: {flags} / {flags_j}")
    print(f"{'bare spaCy tokenize+lemmatize (1 core)':42} {n / t_bare:9.0f} clauses/s {n_tok / t_bare:10.0f} tokens/s")
    print(f"{'full analysis (1 core)':42} {n / t_one:9.0f} clauses/s {n_tok / t_one:10.0f} tokens/s"
          f"   = {t_bare / t_one:.2f} × bare speed")
    print(f"{f'full analysis (--jobs {args.jobs})':42} {n / t_jobs:9.0f} clauses/s {n_tok / t_jobs:10.0f} tokens/s"
          f"   = {t_bare / t_jobs:.2f} × bare speed")


if __name__ == "__main__":
    main()
