"""The annotation sampler (corpus/annotations/sample_clauses.py) is reproducible and skips editorial notes."""
from __future__ import annotations

import hashlib
import importlib.util
import json

import pytest

from tests.conftest import ROOT, SAMPLES

_spec = importlib.util.spec_from_file_location("sample_clauses", ROOT / "corpus" / "annotations" / "sample_clauses.py")
sc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(sc)

WATER = "kg-codes-extracted-text/water-code-2005-8.ru.txt"


@pytest.mark.parametrize("text,expected", [
    ("Суд вправе отложить заседание.", {"vprave"}),
    ("Решение принимается в порядке, установленном Кабинетом Министров.", {"v_poryadke_ustanovlennom"}),
    ("К заявлению прилагаются иные документы по требованию органа.", {"inye_dokumenty", "po_trebovaniyu"}),
    ("Правовой статус определяется законом.", set()),
])
def test_triggers_match_cues_not_substrings(text, expected):
    assert set(sc.triggers_in(text, sc.load_triggers())) == expected


class _C:
    def __init__(self, text, article="8"):
        self.text, self.article = text, article


@pytest.mark.parametrize("text,article,editorial", [
    ("- (абзац восьмой утратил силу в соответствии с Законом КР от 10 октября 2012 года N 170)", "8", True),
    ("(Глава в редакции Закона КР от 27 января 2025 года № 28)", "", True),
    ("в сфере обеспечения безопасности производства и строительства", "", True),
    ("1. Разрешение на водопользование может быть аннулировано (в случаях, указанных ниже):", "28", False),
])
def test_editorial_notes_are_recognised(text, article, editorial):
    assert sc.is_editorial(_C(text, article)) is editorial


def _draw(seed, n=30, exclude=()):
    return sc.sample_act(WATER, n, seed, 0.6, sc.load_triggers(), set(exclude), SAMPLES)


def test_sample_is_reproducible_and_stand_off(shared):
    first, again, other = _draw(4), _draw(4), _draw(5)
    assert [r["start"] for r in first] == [r["start"] for r in again]
    assert [r["start"] for r in first] != [r["start"] for r in other]
    assert len(first) == 30 and sum(r["stratum"] == "trigger" for r in first) == 18
    assert all(r["has_trigger"] for r in first if r["stratum"] == "trigger")
    from pipeline.ingest import read_document

    doc = read_document(SAMPLES / WATER)
    assert all(doc.text[r["start"]:r["end"]] == r["text"] for r in first)
    assert all(not sc.EDITORIAL.match(r["text"]) and r["article"] for r in first)
    assert {r["sha256"] for r in first} == {hashlib.sha256((SAMPLES / WATER).read_bytes()).hexdigest()}


def test_exclude_leaves_out_annotated_clauses(shared, tmp_path):
    first = _draw(4, n=10)
    done = tmp_path / "done.jsonl"
    done.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in first), encoding="utf-8")
    second = _draw(4, n=10, exclude=sc.load_excluded([str(done)]))
    assert not {r["start"] for r in first} & {r["start"] for r in second}


def test_land_and_tax_codes_are_refused():
    with pytest.raises(SystemExit):
        sc.main(["--seed", "1", "--n", "5", "--acts", "kg-codes-extracted-text/land-code-1999-45.ru.txt"])
