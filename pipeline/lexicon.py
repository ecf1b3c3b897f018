"""A Russian–Kyrgyz lexicon of legal and administrative terms, mined from article-aligned parallel acts.

The Ministry of Justice publishes each code in both languages; ``pipeline.structure.align_articles`` pairs the
articles by number. Inside an aligned article whose parts line up one to one (same number of paragraphs), each
paragraph pair is a unit; otherwise the whole article is. On these units the lexicon is learnt with IBM Model 1
(EM over translation probabilities, Brown et al. 1993) in both directions, on Russian lemmas (pymorphy3) and
Kyrgyz stems (``rules.ky_stem``); a pair is kept when both directions agree (the product of t(ky|ru) and
t(ru|ky) is high), which removes the frequent-word noise that plain co-occurrence (Dice) keeps.

The result is derived data: ``taraza lexicon build`` writes it to ``models/artifacts/ru-ky-lexicon.tsv`` with a
card (``ru-ky-lexicon.md``) saying how it was made. Matching (``pipeline.match``) uses it to carry Russian
report passages over to a Kyrgyz plan and back.
"""
from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml
from scipy import sparse

from .morph import ru_morph

ROOT = Path(__file__).resolve().parents[1]
ARTIFACT = ROOT / "models" / "artifacts" / "ru-ky-lexicon.tsv"
CARD = ROOT / "models" / "artifacts" / "ru-ky-lexicon.md"
STOPWORDS = ROOT / "rules" / "match_stopwords.yml"
DEFAULT_PARALLEL = ROOT.parent / "shared" / "corpus-samples" / "cbd-minjust-docx"

WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*", re.U)

# ---------------------------------------------------------------------------------------------------------
# Terms: Russian lemmas and Kyrgyz stems (shared with pipeline.match)


@lru_cache(maxsize=1)
def _stopwords() -> dict:
    data = yaml.safe_load(STOPWORDS.read_text(encoding="utf-8"))
    return {"ru": set(data["ru"]), "ky": set(data["ky"]), "ru_pos": set(data["ru_pos"])}


@lru_cache(maxsize=300_000)
def ru_lemma(word: str) -> str | None:
    """Lemma of a Russian word, or None for function words (by part of speech) and stopwords."""
    w = word.lower().replace("ё", "е")
    p = ru_morph().parse(w)[0]
    if p.tag.POS in _stopwords()["ru_pos"]:
        return None
    lemma = p.normal_form.replace("ё", "е")
    if lemma in _stopwords()["ru"]:
        return None
    return lemma


@lru_cache(maxsize=300_000)
def ky_term(word: str) -> str | None:
    """Stem of a Kyrgyz word (rules.ky_stem), or None for stopwords."""
    from rules.ky_stem import ky_stem

    w = word.lower().replace("ё", "е")
    if w in _stopwords()["ky"]:
        return None
    s = ky_stem(w)
    if s in _stopwords()["ky"]:
        return None
    return s


def terms(text: str, lang: str, min_len: int = 3) -> list[str]:
    """Content terms of a text: Russian lemmas or Kyrgyz stems, function words dropped."""
    fn = ky_term if lang == "ky" else ru_lemma
    out = []
    for w in WORD.findall(text):
        if len(w) < min_len and not w.isupper():
            continue
        t = fn(w)
        if t and (len(t) >= min_len or w.isupper()):
            out.append(t)
    return out


# ---------------------------------------------------------------------------------------------------------
# Parallel units


def parallel_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """Pairs ``X.ru.docx`` / ``X.ky.docx`` in a folder (sorted by name)."""
    folder = Path(folder)
    out = []
    for ru in sorted(folder.glob("*.ru.docx")):
        ky = ru.with_name(ru.name[: -len(".ru.docx")] + ".ky.docx")
        if ky.exists():
            out.append((ru, ky))
    return out


def aligned_units(ru_path: Path, ky_path: Path) -> list[tuple[str, str]]:
    """(Russian text, Kyrgyz text) units of one pair of editions: paragraph pairs where an aligned article's
    paragraphs line up one to one, else the whole article. The article heading line is a unit of its own
    (headings are short and translate closely)."""
    from .ingest import read_document
    from .structure import align_articles, parse_document

    ru_doc, ky_doc = read_document(ru_path), read_document(ky_path)
    pairs = align_articles(parse_document(ru_doc), parse_document(ky_doc))
    units: list[tuple[str, str]] = []
    for a, b in pairs:
        ru_lines = [l for l in ru_doc.text[a.start:a.end].split("\n") if l.strip()]
        ky_lines = [l for l in ky_doc.text[b.start:b.end].split("\n") if l.strip()]
        if a.heading and b.heading:
            units.append((a.heading, b.heading))
            ru_lines, ky_lines = ru_lines[1:], ky_lines[1:]
        if len(ru_lines) == len(ky_lines):
            units.extend(zip(ru_lines, ky_lines))
        elif ru_lines and ky_lines:
            units.append((" ".join(ru_lines), " ".join(ky_lines)))
    return units


# ---------------------------------------------------------------------------------------------------------
# Mining


@dataclass
class Entry:
    ru: str
    ky: str
    score: float      # sqrt(t(ky|ru) · t(ru|ky)): both directions of IBM Model 1 agree
    t_ky_ru: float
    t_ru_ky: float
    cooc: int         # units in which both occur
    f_ru: int
    f_ky: int


def _matrix(docs: list[list[str]], vocab: dict[str, int]) -> sparse.csr_matrix:
    rows, cols, vals = [], [], []
    for i, d in enumerate(docs):
        counts: dict[int, int] = defaultdict(int)
        for t in d:
            j = vocab.get(t)
            if j is not None:
                counts[j] += 1
        for j, c in counts.items():
            rows.append(i)
            cols.append(j)
            vals.append(float(c))
    return sparse.csr_matrix((vals, (rows, cols)), shape=(len(docs), len(vocab)))


def _ibm1(src: sparse.csr_matrix, tgt: sparse.csr_matrix, support: sparse.csr_matrix, iterations: int) -> sparse.csr_matrix:
    """IBM Model 1 t(tgt | src) over the pairs in ``support`` (src × tgt), with a NULL source word.

    E-step in matrix form: for unit u and target word f, Z[u, f] = Σ_e src[u, e] · t(f|e) + t(f|NULL);
    expected counts C = t ⊙ (srcᵀ · (tgt ⊘ Z)). M-step: rows of C normalised."""
    n_src, n_tgt = support.shape
    t = support.copy().astype(np.float64)
    t.data[:] = 1.0
    t = sparse.diags(1.0 / np.maximum(np.asarray(t.sum(axis=1)).ravel(), 1)) @ t
    t_null = np.full(n_tgt, 1.0 / n_tgt)
    tgt = tgt.tocsr()
    for _ in range(iterations):
        z = (src @ t).tocsr()
        # Z is needed only where the target occurs: read it at tgt's nonzeros
        tgt_coo = tgt.tocoo()
        z_vals = np.asarray(z[tgt_coo.row, tgt_coo.col]).ravel() + t_null[tgt_coo.col]
        ratio = sparse.csr_matrix((tgt_coo.data / z_vals, (tgt_coo.row, tgt_coo.col)), shape=tgt.shape)
        counts = t.multiply(src.T @ ratio).tocsr()
        null_counts = np.asarray((ratio.multiply(t_null[np.newaxis, :])).sum(axis=0)).ravel()
        t_null = null_counts / max(null_counts.sum(), 1e-12)
        t = sparse.diags(1.0 / np.maximum(np.asarray(counts.sum(axis=1)).ravel(), 1e-12)) @ counts
        t = t.tocsr()
    return t


def mine(units: list[tuple[str, str]], *, min_count: int = 3, iterations: int = 5, min_score: float = 0.05,
         per_word: int = 3, progress=None) -> list[Entry]:
    """Mine RU lemma ↔ KY stem pairs from aligned (Russian, Kyrgyz) text units."""
    ru_docs = [terms(r, "ru") for r, _ in units]
    ky_docs = [terms(k, "ky") for _, k in units]
    f_ru: dict[str, int] = defaultdict(int)
    f_ky: dict[str, int] = defaultdict(int)
    for d in ru_docs:
        for t in set(d):
            f_ru[t] += 1
    for d in ky_docs:
        for t in set(d):
            f_ky[t] += 1
    ru_vocab = {w: i for i, w in enumerate(sorted(w for w, c in f_ru.items() if c >= min_count))}
    ky_vocab = {w: i for i, w in enumerate(sorted(w for w, c in f_ky.items() if c >= min_count))}
    if not ru_vocab or not ky_vocab:
        return []
    X_ru = _matrix(ru_docs, ru_vocab)
    X_ky = _matrix(ky_docs, ky_vocab)
    B_ru = (X_ru > 0).astype(np.float64)
    B_ky = (X_ky > 0).astype(np.float64)
    cooc = (B_ru.T @ B_ky).tocsr()
    # pairs seen together fewer than min_count times cannot be learnt reliably
    cooc.data[cooc.data < min_count] = 0
    cooc.eliminate_zeros()
    if progress:
        progress(f"{len(units)} units, {len(ru_vocab)} RU lemmas, {len(ky_vocab)} KY stems, {cooc.nnz} candidate pairs")
    t_ky_ru = _ibm1(X_ru, X_ky, cooc, iterations)                  # rows RU, cols KY
    t_ru_ky = _ibm1(X_ky, X_ru, cooc.T.tocsr(), iterations).T.tocsr()  # back to rows RU, cols KY
    both = t_ky_ru.multiply(t_ru_ky).tocsr()
    both.data = np.sqrt(both.data)
    ru_words = {i: w for w, i in ru_vocab.items()}
    ky_words = {i: w for w, i in ky_vocab.items()}
    keep: dict[tuple[int, int], float] = {}
    # best few per Russian lemma and per Kyrgyz stem, so both directions of lookup are covered
    for mat, transpose in ((both, False), (both.T.tocsr(), True)):
        for i in range(mat.shape[0]):
            lo, hi = mat.indptr[i], mat.indptr[i + 1]
            if lo == hi:
                continue
            idx, vals = mat.indices[lo:hi], mat.data[lo:hi]
            for k in np.argsort(-vals)[:per_word]:
                if vals[k] < min_score:
                    break
                pair = (int(idx[k]), i) if transpose else (i, int(idx[k]))
                keep[pair] = float(vals[k])
    out = []
    for (i, j), s in keep.items():
        out.append(Entry(ru_words[i], ky_words[j], s, float(t_ky_ru[i, j]), float(t_ru_ky[i, j]), int(cooc[i, j]),
                         f_ru[ru_words[i]], f_ky[ky_words[j]]))
    out.sort(key=lambda e: (e.ru, -e.score))
    return out


def build(folder: Path = DEFAULT_PARALLEL, out: Path = ARTIFACT, *, progress=None, **kw) -> list[Entry]:
    """Mine the lexicon from every RU/KY pair in ``folder`` and write the TSV and its card."""
    from .document import TarazaError

    pairs = parallel_pairs(folder)
    if not pairs:
        raise TarazaError(folder, "no X.ru.docx / X.ky.docx pairs found")
    units: list[tuple[str, str]] = []
    used = []
    for ru, ky in pairs:
        try:
            u = aligned_units(ru, ky)
        except TarazaError as exc:
            if progress:
                progress(f"skipped {ru.name}: {exc}")
            continue
        units.extend(u)
        used.append((ru.name, ky.name, len(u)))
        if progress:
            progress(f"{ru.name}: {len(u)} aligned units")
    entries = mine(units, progress=progress, **kw)
    write_tsv(entries, out)
    _write_card(out, used, len(units), entries, kw)
    return entries


def write_tsv(entries: list[Entry], path: Path) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, delimiter="\t", lineterminator="\n")
        w.writerow(["ru", "ky", "score", "t_ky_ru", "t_ru_ky", "cooc", "f_ru", "f_ky"])
        for e in entries:
            w.writerow([e.ru, e.ky, f"{e.score:.4f}", f"{e.t_ky_ru:.4f}", f"{e.t_ru_ky:.4f}", e.cooc, e.f_ru, e.f_ky])


def _write_card(out: Path, used, n_units: int, entries: list[Entry], kw: dict) -> None:
    files = "\n".join(f"| `{ru}` / `{ky}` | {n} |" for ru, ky, n in used)
    params = {"min_count": 3, "iterations": 5, "min_score": 0.05, "per_word": 3, **kw}
    card = f"""# Russian–Kyrgyz lexicon of legal terms (`{Path(out).name}`)

Derived data, not a copy of any text: word pairs with scores, learnt from the official parallel editions of
Kyrgyz codes published by the Ministry of Justice (cbd.minjust.gov.kg; official texts are not objects of
copyright in the Kyrgyz Republic). Made by `taraza lexicon build` (pipeline/lexicon.py) on {date.today().isoformat()}.

## How
1. Each `X.ru.docx` / `X.ky.docx` pair in `../shared/corpus-samples/cbd-minjust-docx/` is parsed
   (`pipeline.structure.parse_document`) and its articles paired by number (`align_articles`).
2. Units: article headings; paragraph pairs where an article's paragraphs line up one to one; else the whole
   article. {n_units} units in all.
3. Terms: Russian lemmas (pymorphy3), Kyrgyz stems (`rules/ky_stem.py`), function words dropped
   (`rules/match_stopwords.yml`).
4. IBM Model 1 with a NULL word, {params['iterations']} EM iterations, each direction, over pairs that co-occur in at least
   {params['min_count']} units. `score` = sqrt(t(ky|ru) · t(ru|ky)); the best {params['per_word']} pairs per Russian lemma
   and per Kyrgyz stem with score ≥ {params['min_score']} are kept: {len(entries)} pairs.

| pair | aligned units |
|---|---|
{files}

## Columns
`ru` lemma, `ky` stem, `score`, `t_ky_ru` = t(ky|ru), `t_ru_ky` = t(ru|ky), `cooc` = units with both,
`f_ru`, `f_ky` = units with each.

## Limits
Codes are not reports: terms of public administration (procurement, civil service, e-government) are rarer
there than legal-procedure terms. Kyrgyz compound verbs («кабыл алуу» = принять) map word by word.
"""
    Path(out).with_suffix(".md").write_text(card, encoding="utf-8")


@lru_cache(maxsize=4)
def load(path: str | None = None) -> dict[str, dict[str, dict[str, float]]]:
    """The lexicon as {"ru2ky": {lemma: {stem: score}}, "ky2ru": {stem: {lemma: score}}}."""
    p = Path(path) if path else ARTIFACT
    ru2ky: dict[str, dict[str, float]] = defaultdict(dict)
    ky2ru: dict[str, dict[str, float]] = defaultdict(dict)
    if not p.exists():
        return {"ru2ky": {}, "ky2ru": {}}
    with p.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            s = float(row["score"])
            ru2ky[row["ru"]][row["ky"]] = s
            ky2ru[row["ky"]][row["ru"]] = s
    return {"ru2ky": dict(ru2ky), "ky2ru": dict(ky2ru)}
