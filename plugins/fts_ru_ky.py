"""Russian- and Kyrgyz-aware full-text search for Datasette, on the query side.

The published database indexes the original text with FTS5 ``unicode61`` (any SQLite can open and search
it). This one-file plugin registers two SQL functions on every connection:

* ``fts_query(q)`` turns what a person typed into a safe FTS5 expression. Each word becomes
  ``("word" OR "<russian stem>"* OR "<kyrgyz stem>"*)``; words are joined with AND. Every term is quoted, so
  «12-р», «ст.» or a stray ``"`` can never cause an FTS5 syntax error, and «ё» is read as «е» (ingest
  writes «е» for «ё»). Russian stems come from Snowball (PyStemmer), Kyrgyz stems from the project's
  suffix stripper (``rules/ky_stem.py``), so search and the analyzer see the same stems.
* ``fts_highlight(snippet)`` turns an FTS5 ``snippet()`` made with the markers ``char(1)``/``char(2)``
  into Markdown: the text is escaped (no HTML or Markdown from a scraped page can render), the matched
  words are bold. Name the result column ``*_markdown`` and datasette-render-markdown shows it.

Canned queries use them as
``where clauses_fts match fts_query(:q) ... fts_highlight(snippet(clauses_fts, -1, char(1), char(2), '…', 24))``.
"""
from __future__ import annotations

import re
from functools import lru_cache

import Stemmer
from datasette import hookimpl
from rules.ky_stem import ky_stem

# A query nobody's text contains: an empty search shows nothing instead of failing.
NO_MATCH = '"taraza_no_match_for_empty_query"'
# Candidates shorter than this match too much as prefixes («акт*» → «фактор» is not, but «орг*» is noise).
MIN_PREFIX = 4
START, END = "\x01", "\x02"

_PHRASE = re.compile(r'"([^"]*)"')
# A word, keeping «12-р», «ст.12» or «1/2» together so they are searched as one exact phrase.
_WORD = re.compile(r"\w+(?:[-‐–/.]\w+)*")
_ru = Stemmer.Stemmer("russian")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@lru_cache(maxsize=50_000)
def expand_word(word: str) -> str:
    """One word → an FTS5 group: the exact form plus Russian and Kyrgyz stems as prefixes."""
    w = word.lower().replace("ё", "е")
    if not w.isalpha():
        return _quote(w)
    prefixes: list[str] = []
    ky = ky_stem(w)
    # The stripper restores voicing («китебин» → «китеп»); the written prefix «китеб» is what the
    # index holds for inflected forms, so search both.
    for cand in (_ru.stemWord(w), ky, w[: len(ky)]):
        if len(cand) >= MIN_PREFIX and cand not in prefixes and w.startswith(cand[:-1]):
            prefixes.append(cand)
    terms = [_quote(w)] + [_quote(p) + "*" for p in prefixes if p != w]
    if w in prefixes:
        terms[0] = _quote(w) + "*"
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def fts_query(q) -> str:
    """User input → FTS5 MATCH expression (AND of expanded words; «"..."» stays an exact phrase)."""
    if not q or not str(q).strip():
        return NO_MATCH
    q = str(q).replace("ё", "е").replace("Ё", "Е").replace("«", '"').replace("»", '"')
    groups: list[str] = []
    for phrase in _PHRASE.findall(q):
        words = _WORD.findall(phrase)
        if words:
            groups.append(_quote(" ".join(words).lower()))
    rest = _PHRASE.sub(" ", q)
    groups += [expand_word(w) for w in _WORD.findall(rest)]
    return " AND ".join(groups) if groups else NO_MATCH


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def escape_markdown(text: str) -> str:
    """Plain text → Markdown that renders as exactly that text (HTML as entities, specials escaped)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def fts_highlight(snippet) -> str:
    """FTS5 snippet with char(1)/char(2) markers → escaped Markdown with the matches in bold."""
    if snippet is None:
        return ""
    out = []
    for i, part in enumerate(re.split(f"[{START}{END}]", str(snippet))):
        if not part:
            continue
        text = " ".join(escape_markdown(line) for line in part.splitlines())
        # Inside START..END (odd positions) is a matched word.
        out.append(f"**{text}**" if i % 2 else text)
    return "".join(out)


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
    conn.create_function("fts_highlight", 1, fts_highlight, deterministic=True)
    base = datasette.urls.database(database) if datasette is not None and database else ""
    conn.create_function("row_link", 3, row_link_function(base), deterministic=True)
