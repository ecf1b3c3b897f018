"""Full-text search latency on a public database of at least one million clauses.

Builds a corpus from the real parallel codes in ../shared/corpus-samples/cbd-minjust-docx/, replicates
its documents (with their articles and clauses) until the corpus holds ``--clauses`` clauses, publishes
it with ``taraza publish`` logic, then runs the site's own ``search_clauses`` canned query (from
metadata.yml, through the fts_ru_ky functions) for Russian and Kyrgyz words of high, middle and low
frequency, and prints median and p95 latency, plus build time and size. Everything goes to a temporary
directory (or --workdir) and is deleted unless --keep.

    python -m bench.search                       # 1,000,000 clauses
    python -m bench.search --clauses 200000 --repeat 3
    python -m bench.search --http                # also through Datasette's in-process client
"""
from __future__ import annotations

import argparse
import asyncio
import shutil
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "corpus-samples" / "cbd-minjust-docx"
# What people search for: frequent legal words, inflected forms, two-word queries, rare words, numbers.
QUERIES = [
    "республикасынын", "мыйзамдарына", "экспертиза", "лицензии", "экспертизанын", "органы власти",
    "уполномоченный орган", "вправе", "жарандардын укуктары", "в разумный срок", "конфискация",
    "нотариус", "медиация", "12-р", "сот", "иш-аракет", "государственной службы", "коррупция",
    "лицензиялык", "арбитраж", "недвижимое имущество", "кызмат адамы",
    # words whose stems were too broad for a fresh user («жаран» found «жарамсыз», «органы» «организации»)
    "жаран", "органы", "мыйзамдарга", "закупок",
]


def build_corpus(path: Path, clauses_target: int) -> tuple[int, float]:
    from corpus import open_db
    from pipeline.store import ingest_files

    started = time.perf_counter()
    db = open_db(path)
    ingest_files(db, sorted(SOURCES.glob("*.docx")))
    base = db.execute("select count(*) from clauses").fetchone()[0]
    copies = -(-clauses_target // base) - 1
    conn = db.conn
    cols = {t: [c for c in db[t].columns_dict] for t in ("documents", "articles", "clauses")}

    def replicate(table: str, k: int, rewrite: dict[str, str]):
        select = ", ".join(rewrite.get(c, f'"{c}"') for c in cols[table])
        target = ", ".join(f'"{c}"' for c in cols[table])
        conn.execute(f'insert into "{table}" ({target}) '
                     f'select {select} from "{table}" where id not like \'%~%\'')

    with conn:
        # Replicas are real text under new ids («~k» suffix), so the index sees real word statistics.
        # The corpus's own full-text triggers are not what is measured (publish builds the public index).
        for (trigger,) in conn.execute("select name from sqlite_master where type = 'trigger'").fetchall():
            conn.execute(f'drop trigger "{trigger}"')
        for k in range(1, copies + 1):
            suffix = f"'~{k}'"
            replicate("documents", k, {"id": f"id || {suffix}", "sha256": f"sha256 || {suffix}",
                                       "act_key": f"act_key || {suffix}", "path": f"path || {suffix}",
                                       "text": "''"})
            replicate("articles", k, {"id": f"id || {suffix}", "document_id": f"document_id || {suffix}"})
            replicate("clauses", k, {"id": f"id || {suffix}", "document_id": f"document_id || {suffix}",
                                     "article_id": f"article_id || {suffix}"})
    total = db.execute("select count(*) from clauses").fetchone()[0]
    return total, time.perf_counter() - started


def search_sql() -> str:
    from pipeline.publish import load_metadata

    return load_metadata()["databases"]["taraza"]["queries"]["search_clauses"]["sql"]


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def run_sql(db_path: Path, repeat: int) -> tuple[list[float], dict[str, int], dict[str, int]]:
    from plugins.fts_ru_ky import prepare_connection

    conn = sqlite3.connect(f"file:{db_path}?mode=ro&immutable=1", uri=True)
    prepare_connection(conn)
    sql = search_sql()
    timings, hits, matched = [], {}, {}
    for q in QUERIES:  # warm the page cache once, as a served database is warm
        hits[q] = len(conn.execute(sql, {"q": q, "lang": ""}).fetchall())
        # every clause the query's expansion matches, uncapped: how broad the stems are
        matched[q] = conn.execute("select count(*) from clauses_fts where clauses_fts match fts_query(?)",
                                  [q]).fetchone()[0]
    for _ in range(repeat):
        for q in QUERIES:
            t = time.perf_counter()
            conn.execute(sql, {"q": q, "lang": ""}).fetchall()
            timings.append((time.perf_counter() - t) * 1000)
    return timings, hits, matched


def run_http(db_path: Path, repeat: int) -> list[float]:
    from pipeline.serve import make_datasette

    ds = make_datasette(db_path)

    async def go():
        out = []
        for q in QUERIES:
            await ds.client.get(f"/taraza/search_clauses.json?q={quote(q)}")
        for _ in range(repeat):
            for q in QUERIES:
                t = time.perf_counter()
                r = await ds.client.get(f"/taraza/search_clauses.json?q={quote(q)}")
                out.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200, r.text[:300]
        return out

    return asyncio.run(go())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clauses", type=int, default=1_000_000, help="clauses in the scaled corpus")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes over the query list")
    ap.add_argument("--http", action="store_true", help="also time the query through Datasette")
    ap.add_argument("--workdir", type=Path, help="keep the databases here instead of a temporary directory")
    ap.add_argument("--keep", action="store_true", help="do not delete the work directory")
    args = ap.parse_args(argv)

    from pipeline.publish import publish

    work = args.workdir or Path(tempfile.mkdtemp(prefix="taraza-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus_db, site_db = work / "corpus.db", work / "site" / "taraza.db"
        corpus_db.unlink(missing_ok=True)
        n, corpus_s = build_corpus(corpus_db, args.clauses)
        print(f"corpus: {n:,} clauses (real clauses of {len(list(SOURCES.glob('*.docx')))} acts, replicated) "
              f"built in {corpus_s:.1f} s, {corpus_db.stat().st_size / 1e6:.0f} MB")
        report = publish(corpus_db, site_db)
        fts_mb = _fts_bytes(site_db) / 1e6
        print(f"publish: {report['seconds']:.1f} s, public database {report['bytes'] / 1e6:.0f} MB "
              f"(full-text index {fts_mb:.0f} MB)")
        timings, hits, matched = run_sql(site_db, args.repeat)
        print(f"search_clauses SQL, {len(QUERIES)} queries × {args.repeat}: median "
              f"{statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
              f"max {max(timings):.1f} ms")
        print("  hits (capped at 100):", ", ".join(f"{q}={h}" for q, h in hits.items()))
        print("  clauses matched (uncapped):", ", ".join(f"{q}={n}" for q, n in matched.items()))
        if args.http:
            http = run_http(site_db, args.repeat)
            print(f"search_clauses via Datasette (in-process, JSON): median {statistics.median(http):.1f} ms, "
                  f"p95 {percentile(http, 95):.1f} ms")
    finally:
        if not (args.keep or args.workdir):
            shutil.rmtree(work, ignore_errors=True)


def _fts_bytes(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("select sum(pgsize) from dbstat where name like 'clauses_fts%'").fetchone()[0] or 0
    except sqlite3.OperationalError:  # SQLite built without dbstat
        return 0
    finally:
        conn.close()


if __name__ == "__main__":
    main()
