"""A small published site for the Datasette and browser tests: three real acts from ../shared and a made-up
draft with flags (the draft and its flags are invented here, and say so)."""
from __future__ import annotations

from pathlib import Path

from tests.conftest import DOCX

REAL_ACTS = ("constitution-2021.ky.docx", "admin-procedure-code-2017-13.ru.docx", "civil-code-part1-1996-15.ru.docx")

MADE_UP_DRAFT = (
    "MADE-UP ПРОЕКТ: придуман для тестов Taraza, не настоящий акт.\n"
    "ЗАКОН КЫРГЫЗСКОЙ РЕСПУБЛИКИ\n"
    "О выдаче разрешений на торговлю\n"
    "Статья 1. Выдача разрешений\n"
    "1. Уполномоченный орган вправе отказать в выдаче разрешения по иным основаниям.\n"
    "2. Заявитель представляет <script>alert('x')</script> документы, перечень которых определяет орган.\n"
    "Статья 2. Сроки\n"
    "1. Решение принимается в разумный срок.\n"
)

MADE_UP_FLAGS = [
    ("ст. 1 ч. 1", "vprave_competence", 0.91, "вправе", "Орган «вправе» решать сам; <b>нет</b> критериев."),
    ("ст. 1 ч. 1", "broad_discretion", 0.72, "по иным основаниям", "Открытый перечень оснований отказа."),
    ("ст. 2 ч. 1", "missing_deadline", 0.88, "в разумный срок", "Срок не определён."),
]


def _load_factors(db) -> None:
    """The typology into the corpus, as `taraza analyze` does before it writes flags."""
    from rules import load_yaml

    cols = set(db["factors"].columns_dict)
    rows = [{k: v for k, v in {**f, "ordinal": f["order"]}.items() if k in cols}
            for f in load_yaml("factors.yml")["factors"]]
    db["factors"].upsert_all(rows, pk="id")


def build_site(tmp: Path) -> dict:
    """Corpus → public database at tmp/site/taraza.db; returns its path, the draft id and clause ids."""
    from corpus import open_db
    from pipeline.ingest import read_bytes, read_document
    from pipeline.publish import publish
    from pipeline.store import store_document

    db = open_db(tmp / "corpus.db")
    for name in REAL_ACTS:
        store_document(db, read_document(DOCX / name))
    draft = read_bytes(MADE_UP_DRAFT.encode(), "made-up-draft-permits.ru.txt", kind="draft", made_up=True)
    draft_id, _ = store_document(db, draft)
    clauses = {r["path"]: r["id"] for r in db.query("select id, path from clauses where document_id = ?",
                                                    [draft_id])}
    _load_factors(db)
    for path, factor, score, evidence, why in MADE_UP_FLAGS:
        db["flags"].insert({"id": f"{clauses[path]}:{factor}", "clause_id": clauses[path], "document_id": draft_id,
                            "factor": factor, "score": score, "evidence": evidence, "explanation": why,
                            "fix": "", "source": "made-up"})
    db.conn.close()
    out = tmp / "site" / "taraza.db"
    report = publish(tmp / "corpus.db", out)
    return {"path": out, "report": report, "draft_id": draft_id, "clauses": clauses}


def build_monitoring_site(tmp: Path) -> Path:
    """The seed plan, the made-up demo reports matched to it and the coverage, published: the stages'
    own commands, as the README's main job runs them."""
    from click.testing import CliRunner

    from corpus import DEMO_DIR
    from pipeline.cli import main
    from tests.conftest import SEED_PLAN

    corpus_db, out = tmp / "corpus.db", tmp / "site" / "public.db"
    reports = [str(p) for p in sorted((DEMO_DIR / "reports").glob("made-up-*"))]
    runner = CliRunner()
    for args in (["plan", "load", str(SEED_PLAN)],
                 ["match", "--plan", str(SEED_PLAN), "--report", *reports],
                 ["monitor", "--plan", str(SEED_PLAN), "--as-of", "2018-06-30"],
                 ["publish", "-o", str(out)]):
        result = runner.invoke(main, ["--db", str(corpus_db), *args], catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
    return out
