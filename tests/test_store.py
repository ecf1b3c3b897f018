"""Corpus store: idempotent ingestion, versions, RU/KY links, batches with bad files."""
import shutil

import pytest

from click.testing import CliRunner

from corpus import ensure_shape, open_db
from pipeline.cli import main
from pipeline.store import ingest_files
from tests.conftest import DOCX
from tests.test_ingest import blank_pdf


def counts(db):
    return {t: db[t].count for t in ("documents", "articles", "clauses", "act_links")}


def test_shape_is_idempotent(tmp_path):
    db = open_db(tmp_path / "x.db")
    before = {t: db[t].schema for t in db.table_names()}
    ensure_shape(db)
    ensure_shape(db)
    assert {t: db[t].schema for t in db.table_names()} == before
    assert db["clauses"].detect_fts() == "clauses_fts"


def test_same_file_twice_changes_nothing_and_languages_link(db, tmp_path):
    files = [DOCX / "constitution-2021.ru.docx", DOCX / "constitution-2021.ky.docx"]
    first = ingest_files(db, files)
    assert (first["new"], first["links"]) == (2, 1)
    snapshot = counts(db)
    second = ingest_files(db, files)
    assert (second["new"], second["unchanged"]) == (0, 2)
    assert counts(db) == snapshot
    link = next(db["act_links"].rows)
    assert (link["articles_ru"], link["articles_ky"], link["articles_aligned"]) == (116, 116, 116)
    ru = db["documents"].get(link["ru_document_id"])
    assert (ru["language"], ru["act_type"], ru["n_articles"]) == ("ru", "конституция", 116)
    assert db.execute("pragma foreign_key_check").fetchall() == []


def test_changed_file_becomes_a_new_version_and_keeps_the_old(db, tmp_path):
    draft = tmp_path / "made-up-draft.ru.txt"
    draft.write_text("Статья 1. Общие положения\n1. Орган выдает разрешение.", encoding="utf-8")
    ingest_files(db, [draft])
    draft.write_text("Статья 1. Общие положения\n1. Орган выдает разрешение в течение 10 рабочих дней.", encoding="utf-8")
    report = ingest_files(db, [draft])
    assert report["new_version"] == 1
    rows = list(db.query("select version, is_current, made_up from documents order by version"))
    assert rows == [{"version": 1, "is_current": 0, "made_up": 1}, {"version": 2, "is_current": 1, "made_up": 1}]
    assert db["clauses"].count == 2  # both versions keep their clauses


def test_batch_with_bad_files_reports_each_and_ingests_the_rest(tmp_path):
    folder = tmp_path / "inbox"
    folder.mkdir()
    shutil.copy(DOCX / "family-code-2003-201.ky.docx", folder / "family.ky.docx")
    (folder / "corrupt.docx").write_bytes(b"PK\x03\x04garbage")
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(blank_pdf())
    (folder / "image.bin").write_bytes(bytes(range(256)) * 8)
    dbfile = tmp_path / "c.db"
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(dbfile), "ingest", str(folder)])
    assert result.exit_code == 0
    out = result.output
    assert "1 new" in out and "4 failed" in out
    for name, reason in [("corrupt.docx", "not a valid DOCX"), ("empty.pdf", "empty file"),
                         ("scan.pdf", "no text layer"), ("image.bin", "binary")]:
        assert name in out and reason in out
    db = open_db(dbfile)
    assert db["documents"].count == 1 and db["ingest_errors"].count == 4
    assert db.execute("pragma foreign_key_check").fetchall() == []
    strict = runner.invoke(main, ["--db", str(dbfile), "ingest", "--strict", str(folder)])
    assert strict.exit_code == 1 and "Traceback" not in strict.output


def test_commands_that_read_the_corpus_refuse_a_missing_database(tmp_path, monkeypatch):
    """From another folder the default data/taraza.db does not exist: monitor and publish say so instead
    of creating an empty database and printing zeros; commands that write still create it."""
    from tests.conftest import SEED_PLAN

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    for args in (["monitor", "--plan", str(SEED_PLAN)], ["publish", "-o", "out.db"]):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (args, result.output)
        assert "no database at" in result.output and "taraza build" in result.output
        assert str(tmp_path / "data" / "taraza.db") in result.output
        assert "Traceback" not in result.output
        assert not (tmp_path / "data").exists() and not (tmp_path / "out.db").exists()
    assert runner.invoke(main, ["monitor", "--help"]).exit_code == 0
    ingest = runner.invoke(main, ["ingest", str(DOCX / "family-code-2003-201.ky.docx")])
    assert ingest.exit_code == 0 and (tmp_path / "data" / "taraza.db").is_file()


def test_every_command_has_help_with_an_example():
    runner = CliRunner()
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0 and "Example" in top.output
    for name, cmd in main.commands.items():
        result = runner.invoke(main, [name, "--help"])
        assert result.exit_code == 0, name
        texts = [result.output]
        for sub in getattr(cmd, "commands", {}):
            texts.append(runner.invoke(main, [name, sub, "--help"]).output)
        assert all("Example" in t for t in texts), f"taraza {name}: help without an example"


def test_article_pairs_view(db):
    ingest_files(db, [DOCX / "labour-code-2025-23.ru.docx", DOCX / "labour-code-2025-23.ky.docx"])
    rows = list(db.query("select * from article_pairs where article = '38'"))
    assert len(rows) == 1
    assert rows[0]["heading_ky"] == "Менчик ээси алмашкан жана уюм кайра уюштурулган учурдагы эмгек мамилелери"
    assert db.execute("select count(*) from article_pairs").fetchone()[0] == 265


@pytest.mark.slow
def test_all_real_samples_ingest(tmp_path):
    """Every real sample in ../shared/corpus-samples ingests; only the JSON code map is not an act."""
    from tests.conftest import SAMPLES

    result = CliRunner().invoke(main, ["--db", str(tmp_path / "all.db"), "ingest", str(SAMPLES)])
    assert result.exit_code == 0, result.output
    assert "39 new" in result.output and "1 failed" in result.output
    assert "laws.documentCodes.json" in result.output
    db = open_db(tmp_path / "all.db")
    assert db["act_links"].count >= 10
    langs = dict(db.execute("select language, count(*) from documents group by language").fetchall())
    assert langs == {"ru": 26, "ky": 13}
