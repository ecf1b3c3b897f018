"""Russian- and Kyrgyz-aware full-text search for Datasette, on the query side.

The published database indexes the original text with FTS5 ``unicode61`` (any SQLite can open and search
it). This one-file plugin registers these SQL functions on every connection:

* ``fts_query(q[, lang])`` turns what a person typed into a safe FTS5 expression. Each word becomes
  ``("word" OR <its Russian forms or stem> OR "<kyrgyz stem>"*)``; words are joined with AND. Every term is
  quoted, so «12-р», «ст.» or a stray ``"`` can never cause an FTS5 syntax error, and «ё» is read as «е»
  (ingest writes «е» for «ё»). ``lang`` (``ru`` / ``ky``) says which language's rows the expression will
  search, so each language's text is searched by its own morphology: a Russian noun by its case forms from
  the dictionary (pymorphy3; a stem as a prefix finds other words: «орган*» finds «организации»), another
  Russian word by its Snowball stem (PyStemmer) as a prefix; a Kyrgyz word by the project's suffix stripper's
  stem (``rules/ky_stem.py``, as the analyzer sees it) as a prefix. Without ``lang`` (a table of one
  language the query cannot see) a word gets both, the Russian ones only when the Russian dictionary knows
  the word and it has no Kyrgyz letter. A word typed with ``*`` is a prefix as typed («лиценз*»).
* ``fts_snippet(text, q[, lang])`` is the passage of ``text`` around the matched words, as Markdown: the text is
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
_WORD = re.compile(r"\w+(?:[-‐–/.]\w+)*\*?")
_ru = Stemmer.Stemmer("russian")


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


@lru_cache(maxsize=50_000)
def word_terms(word: str, lang: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
    """One word → (the exact lower-cased forms it is searched by, the stems it is searched by as prefixes)
    in text of ``lang`` (``ru``, ``ky``; empty: either). The first exact form is the word itself."""
    w = word.lower().replace("ё", "е")
    if w.endswith("*"):  # the person asked for a prefix
        w = w.rstrip("*")
        return (w,), ((w,) if w else ())
    if not w.isalpha():
        return (w,), ()
    forms: tuple[str, ...] = ()
    candidates: list[str] = []
    if lang != "ky":
        # In Russian text a Russian noun is found by its case forms; other words by Snowball's stem. Without
        # a language, only a word the Russian dictionary knows that has no Kyrgyz letter gets them:
        # Snowball guesses at any word («жаран» → «жара*» found «жарамсыз»).
        if lang == "ru" or _russian_word(w):
            # (the dictionary guesses a lexeme for any word: only a word it knows gets its forms)
            forms = _noun_forms(w) if _morph().word_is_known(w) else ()
            if not forms and not (_KYRGYZ_LETTERS & set(w)):
                candidates.append(_ru.stemWord(w))
    if lang != "ru":
        ky = ky_stem(w)
        # Without a language, a Kyrgyz stem is left out for a Russian word whose Kyrgyz «stem» is not a word
        # at all (the stripper cut a Russian ending). The stripper restores voicing («китебин» → «китеп»);
        # the written prefix «китеб» is what the index holds for inflected forms, so search both.
        if lang == "ky" or not (_russian_word(w) and ky != w and not _morph().word_is_known(ky)):
            candidates += [ky, w[: len(ky)]]
    prefixes: list[str] = []
    for cand in candidates:
        if len(cand) >= MIN_PREFIX and cand not in prefixes and w.startswith(cand[:-1]):
            prefixes.append(cand)
    return (w, *[f for f in forms if f != w]), tuple(prefixes)


def _noun_forms(w: str) -> tuple[str, ...]:
    """The case forms of a word every reading of which is a Russian noun («органы» → орган, органа, …,
    органах); empty for any other word («стали» may be a verb), which keeps its stem."""
    parses = _morph().parse(w)
    if not parses or any(p.tag.POS != "NOUN" for p in parses):
        return ()
    return tuple(sorted({f.word.replace("ё", "е") for p in parses for f in p.lexeme}))


_KYRGYZ_LETTERS = frozenset("ңөү")


@lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def _russian_word(w: str) -> bool:
    """A word the Russian dictionary knows and that has no Kyrgyz letter («органы», «закупок»)."""
    return not (_KYRGYZ_LETTERS & set(w)) and _morph().word_is_known(w)


def expand_word(word: str, lang: str = "") -> str:
    """One word → an FTS5 group: its exact forms plus its stems as prefixes, for text of ``lang``."""
    forms, prefixes = word_terms(word, lang)
    if not forms[0]:
        return NO_MATCH
    terms = ([_quote(f) + ("*" if f in prefixes else "") for f in forms]
             + [_quote(p) + "*" for p in prefixes if p not in forms])
    return terms[0] if len(terms) == 1 else "(" + " OR ".join(terms) + ")"


def _parse(q) -> tuple[list[list[str]], list[str]]:
    """User input → (exact phrases as word lists, single words)."""
    q = str(q or "").replace("ё", "е").replace("Ё", "Е").replace("«", '"').replace("»", '"')
    phrases = [[w.lower() for w in _WORD.findall(p)] for p in _PHRASE.findall(q)]
    return [p for p in phrases if p], _WORD.findall(_PHRASE.sub(" ", q))


def fts_query(q, lang=None) -> str:
    """User input → FTS5 MATCH expression for text of ``lang`` (AND of expanded words; «"..."» stays an exact
    phrase)."""
    phrases, words = _parse(q)
    lang = _lang(lang)
    groups = [_quote(" ".join(p)) for p in phrases] + [expand_word(w, lang) for w in words]
    return " AND ".join(groups) if groups else NO_MATCH


def _lang(lang) -> str:
    lang = str(lang or "").strip().lower()
    return lang if lang in ("ru", "ky") else ""


_TOKEN = re.compile(r"\w+")


def fts_snippet(text, q, lang=None, size: int = 32) -> str:
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
        forms, pre = word_terms(word, _lang(lang))
        exact.update(forms)
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
    for n in (1, 2):
        conn.create_function("fts_query", n, fts_query, deterministic=True)
    for n in (2, 3):
        conn.create_function("fts_snippet", n, fts_snippet, deterministic=True)
    base = datasette.urls.database(database) if datasette is not None and database else ""
    conn.create_function("row_link", 3, row_link_function(base), deterministic=True)
