"""Write documents and their structure into the corpus database.

Identity rules: a document is its bytes (sha256), so the same file ingested twice changes nothing; an act
(``act_key``, e.g. the file stem without its language tag, or a source's document code) can have several
versions per language: a changed file becomes version N+1 and the old version stays, marked not current.
Each document is written in one transaction, so a failure never leaves half a document behind.
"""
from __future__ import annotations

import hashlib
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable

import sqlite_utils

from corpus import dumps
from .document import Document, Structure, TarazaError
from .ingest import read_bytes
from .structure import parse_document


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def store_document(db: sqlite_utils.Database, doc: Document, structure: Structure | None = None) -> tuple[str, str]:
    """Store one document with its articles and clauses. Returns (document id, 'new'|'new_version'|'unchanged')."""
    existing = db.execute("select id from documents where sha256 = ?", [doc.sha256]).fetchone()
    if existing:
        return existing[0], "unchanged"
    st = structure or parse_document(doc)
    h = st.header
    # versions follow the file (or the source's stable address in `path`), per language
    previous = db.execute(
        "select max(version) from documents where path = ? and language = ?", [doc.path, doc.language]
    ).fetchone()[0]
    version = (previous or 0) + 1
    doc_id = doc.id
    row = {
        "id": doc_id, "act_key": doc.act_key, "version": version, "is_current": 1, "source": doc.source,
        "path": doc.path, "url": doc.url, "sha256": doc.sha256, "format": doc.format, "language": doc.language,
        "kind": doc.kind, "title": doc.title or h.get("title", ""), "act_type": doc.act_type or h.get("act_type", ""),
        "act_date": doc.act_date or h.get("act_date", ""), "act_number": doc.act_number or h.get("act_number", ""),
        "issuing_body": doc.issuing_body, "amendments": dumps(doc.amendments or h.get("amendments", [])),
        "banners": dumps(doc.banners), "signature": doc.signature, "made_up": int(doc.made_up), "n_articles": len(st.articles),
        "n_clauses": len(st.clauses), "text": doc.text, "ingested_at": now(),
    }
    articles, article_ids = [], {}
    for i, a in enumerate(st.articles):
        aid = f"{doc_id}:{a.number}"
        if aid in article_ids.values():
            aid = f"{aid}#{i}"
        article_ids[id(a)] = aid
        articles.append({"id": aid, "document_id": doc_id, "number": a.number, "heading": a.heading,
                         "ordinal": i, "start": a.start, "end": a.end, "section": "", "chapter": ""})
    by_number = {}
    for a in articles:
        by_number.setdefault(a["number"], a["id"])
    clauses = []
    for i, c in enumerate(st.clauses):
        clauses.append({
            "id": f"{doc_id}:{c.path}", "document_id": doc_id, "article_id": by_number.get(c.article),
            "path": c.path, "article": c.article, "article_heading": c.article_heading, "kind": c.kind,
            "number": c.number, "lead_in": c.lead_in, "text": c.text, "start": c.start, "end": c.end, "ordinal": i,
        })
        for a in articles:
            if a["id"] == by_number.get(c.article) and not a["section"]:
                a["section"], a["chapter"] = c.section, c.chapter
    with db.conn:
        if previous:
            db.execute("update documents set is_current = 0 where path = ? and language = ?", [doc.path, doc.language])
        db["documents"].insert(row)
        if articles:
            db["articles"].insert_all(articles)
        if clauses:
            db["clauses"].insert_all(clauses)
    return doc_id, ("new_version" if previous else "new")


def link_languages(db: sqlite_utils.Database, doc_id: str) -> int:
    """Link the current Russian and Kyrgyz versions of the same act (same act_key, or same type+date+number)."""
    doc = db["documents"].get(doc_id)
    other = "ky" if doc["language"] == "ru" else "ru"
    candidates = list(db.query(
        "select id, act_key from documents where language = ? and is_current = 1 and kind = ? and "
        "(act_key = ? or (act_number != '' and act_number = ? and act_date = ? and act_type = ?))",
        [other, doc["kind"], doc["act_key"], doc["act_number"], doc["act_date"], doc["act_type"]],
    ))
    n = 0
    for cand in candidates:
        ru_id, ky_id = (doc_id, cand["id"]) if doc["language"] == "ru" else (cand["id"], doc_id)
        nums = lambda d: {r[0] for r in db.execute("select number from articles where document_id = ?", [d])}
        ru_nums, ky_nums = nums(ru_id), nums(ky_id)
        with db.conn:
            # a new version replaces the link of the old one
            db.execute("delete from act_links where ru_document_id in (select id from documents where act_key = "
                       "(select act_key from documents where id = ?) and language = 'ru' and is_current = 0)", [ru_id])
            db.execute("delete from act_links where ky_document_id in (select id from documents where act_key = "
                       "(select act_key from documents where id = ?) and language = 'ky' and is_current = 0)", [ky_id])
            db["act_links"].upsert({
                "ru_document_id": ru_id, "ky_document_id": ky_id,
                "link_key": doc["act_key"] if cand["act_key"] == doc["act_key"] else f"{doc['act_type']} {doc['act_date']} № {doc['act_number']}",
                "articles_ru": len(ru_nums), "articles_ky": len(ky_nums), "articles_aligned": len(ru_nums & ky_nums),
            }, pk=("ru_document_id", "ky_document_id"))
        n += 1
    return n


def record_error(db: sqlite_utils.Database, path: str, reason: str) -> None:
    key = hashlib.sha1(f"{path}\0{reason}".encode()).hexdigest()[:16]
    with db.conn:
        db["ingest_errors"].upsert({"id": key, "path": str(path), "reason": reason, "at": now()}, pk="id")


def ingest_files(db: sqlite_utils.Database, files: Iterable[Path], *, source: str = "local", kind: str = "act",
                 made_up: bool = False, progress: Callable[[str], None] | None = None) -> dict:
    """Ingest many files; a file that cannot be read is reported and the rest go on."""
    report = {"new": 0, "new_version": 0, "unchanged": 0, "errors": [], "links": 0, "ids": []}
    for path in files:
        try:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise TarazaError(path, f"cannot read: {exc.strerror or exc}")
            # these exact bytes are already stored: skip parsing them again
            if db.execute("select 1 from documents where sha256 = ?", [hashlib.sha256(data).hexdigest()]).fetchone():
                report["unchanged"] += 1
                continue
            doc = read_bytes(data, str(path), source=source, kind=kind, made_up=made_up or "made-up" in Path(path).name)
            doc_id, status = store_document(db, doc)
        except TarazaError as exc:
            report["errors"].append((exc.path, exc.reason))
            record_error(db, exc.path, exc.reason)
            continue
        report[status] += 1
        report["ids"].append(doc_id)
        if status != "unchanged":
            report["links"] += link_languages(db, doc_id)
        if progress:
            progress(f"{status:12} {doc.language} {path}")
    return report
