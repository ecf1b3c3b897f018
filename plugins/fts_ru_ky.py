"""Russian- and Kyrgyz-aware full-text search for Datasette, on the query side.

The published database indexes the original text with FTS5 ``unicode61`` (any SQLite can open and search
it). This one-file plugin registers these SQL functions on every connection:

* ``fts_query(q)`` turns what a person typed into a safe FTS5 expression. Each word becomes
  ``("word" OR "<russian stem>"* OR "<kyrgyz stem>"*)``; words are joined with AND. Every term is quoted, so
  «12-р», «ст.» or a stray ``"`` can never cause an FTS5 syntax error, and «ё» is read as «е» (ingest
  writes «е» for «ё»). Russian stems come from Snowball (PyStemmer), Kyrgyz stems from the project's
  suffix stripper (``rules/ky_stem.py``), so search and the analyzer see the same stems. A word gets a
  Russian stem only when the Russian dictionary (pymorphy3) knows it and it has no Kyrgyz letter.
* ``fts_snippet(text, q)`` is the passage of ``text`` around the matched words, as Markdown: the text is
  escaped (no HTML or Markdown from a scraped page can render) and the matched forms are bold. Name
  the result column ``*_markdown`` and datasette-render-markdown shows it.
* ``row_link(table, pk, label)`` is a Markdown link to a row page, so query results link to clauses and acts.

The canned searches rank with ``bm25()`` in one pass over the index and make snippets only for the rows
they return (metadata.yml, ``search_clauses``).
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from datasette import hookimpl
from rules.ky_stem import ky_stem

# A query nobody's text contains: an empty search shows nothing instead of failing.
NO_MATCH = '"taraza_no_match_for_empty_query"'
# Stems shorter than this match too much as prefixes («орг*» would find «организация»); the word itself stays.
MIN_PREFIX = 4

_PHRASE = re.compile(r'"([^"]*)"')
# A word, keeping «12-р», «ст.12» or «1/2» together so they are searched as one exact phrase.
_WORD = re.compile(r"\w+(?:[-‐–/.]\w+)*")
_ru = Stemmer.Stemmer("russian")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@lru_cache(maxsize=50_000)
def word_terms(word: str) -> tuple[str, tuple[str, ...]]:
    """One word → (its exact lower-cased form, the stems it may be searched by as prefixes)."""
    w = word.lower().replace("ё", "е")
    if not w.isalpha():
        return w, ()
    prefixes: list[str] = []
    ky = ky_stem(w)
    russian = _russian_word(w)
    # A word's own language decides its stems: Snowball guesses at any word, so a Kyrgyz word got a
    # Russian stem («жаран» → «жара*», which finds «жарамсыз»); a Russian stem is added only for a word
    # the Russian dictionary knows and that has no Kyrgyz letter. A Kyrgyz stem is left out for a Russian
    # word whose Kyrgyz «stem» is not a word at all (the stripper cut a Russian ending).
    candidates = [_ru.stemWord(w)] if russian else []
    if not (russian and ky != w and not _morph().word_is_known(ky)):
        # The stripper restores voicing («китебин» → «китеп»); the written prefix «китеб» is what the
        # index holds for inflected forms, so search both.
        candidates += [ky, w[: len(ky)]]
    for cand in candidates:
        if len(cand) >= MIN_PREFIX and cand not in prefixes and w.startswith(cand[:-1]):
            prefixes.append(cand)
    return w, tuple(prefixes)


_KYRGYZ_LETTERS = frozenset("ңөү")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _russian_word(w: str) -> bool:
    """A word the Russian dictionary knows and that has no Kyrgyz letter («органы», «закупок»)."""
    return not (_KYRGYZ_LETTERS & set(w)) and _morph().word_is_known(w)


def expand_word(word: str) -> str:
    """One word → an FTS5 group: the exact form plus Russian and Kyrgyz stems as prefixes."""
    w, prefixes = word_terms(word)
    terms = [_quote(w) + ("*" if w in prefixes else "")] + [_quote(p) + "*" for p in prefixes if p != w]
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _parse(q) -> tuple[list[list[str]], list[str]]:
    """User input → (exact phrases as word lists, single words)."""
    q = str(q or "").replace("ё", "е").replace("Ё", "Е").replace("«", '"').replace("»", '"')
    phrases = [[w.lower() for w in _WORD.findall(p)] for p in _PHRASE.findall(q)]
    return [p for p in phrases if p], _WORD.findall(_PHRASE.sub(" ", q))


def fts_query(q) -> str:
    """User input → FTS5 MATCH expression (AND of expanded words; «"..."» stays an exact phrase)."""
    phrases, words = _parse(q)
    groups = [_quote(" ".join(p)) for p in phrases] + [expand_word(w) for w in words]
    return " AND ".join(groups) if groups else NO_MATCH


_TOKEN = re.compile(r"\w+")


def fts_snippet(text, q, size: int = 32) -> str:
    """The passage of ``text`` around the words ``q`` matches, as Markdown with those words in bold.

    Same matching as :func:`fts_query` (exact forms and stem prefixes), done in Python on the few rows a
    search returns, so a ranked query needs one pass over the full-text index instead of a second
    MATCH for FTS5's snippet().
    """
    if not text:
        return ""
    text = str(text)
    phrases, words = _parse(q)
    exact: set[str] = {w for p in phrases for w in p}
    prefixes: list[str] = []
    for word in words:
        w, pre = word_terms(word)
        exact.add(w)
        prefixes.extend(pre)
    prefix_t = tuple(prefixes)
    tokens = [(m.start(), m.end(), m.group().lower().replace("ё", "е")) for m in _TOKEN.finditer(text)]
    if not tokens:
        return escape_markdown(text[:300])
    hit = [t in exact or (bool(prefix_t) and t.startswith(prefix_t)) for _, _, t in tokens]
    # Window of `size` tokens with the most matched words (the first such window).
    best, start = -1, 0
    count = sum(hit[:size])
    for i in range(0, max(1, len(tokens) - size + 1)):
        if i:
            count += (hit[i + size - 1] if i + size - 1 < len(hit) else 0) - hit[i - 1]
        if count > best:
            best, start = count, i
    window = tokens[start:start + size]
    out, pos = [], window[0][0]
    if start > 0:
        out.append("…")
    for (a, b, _), marked in zip(window, hit[start:start + size]):
        out.append(escape_markdown(text[pos:a]))
        word = escape_markdown(text[a:b])
        out.append(f"**{word}**" if marked else word)
        pos = b
    if start + size < len(tokens):
        out.append("…")
    else:
        out.append(escape_markdown(text[pos:]))
    return " ".join("".join(out).split())


# The characters Python-Markdown lets a backslash escape (others would show the backslash).
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (HTML as entities, specials escaped)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def row_link_function(base_path: str):
    """``row_link(table, pk, label)`` → Markdown link to that row's page, so query results link rows."""
    from datasette.utils import tilde_encode

    def row_link(table, pk, label):
        if pk is None:
            return None
        text = escape_markdown(str(label if label not in (None, "") else pk))
        return f"[{text}]({base_path}/{tilde_encode(str(table))}/{tilde_encode(str(pk))})"

    return row_link


@hookimpl
def prepare_connection(conn, database=None, datasette=None):
    conn.create_function("fts_query", 1, fts_query, deterministic=True)
    conn.create_function("fts_snippet", 2, fts_snippet, deterministic=True)
    base = datasette.urls.database(database) if datasette is not None and database else ""
    conn.create_function("row_link", 3, row_link_function(base), deterministic=True)
