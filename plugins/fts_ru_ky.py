"""Russian- and Kyrgyz-aware full-text search for Datasette, on the query side.

The published database indexes the original text with FTS5 ``unicode61`` (any SQLite can open and search
it). This one-file plugin registers these SQL functions on every connection:

* ``fts_query(q[, lang])`` turns what a person typed into a safe FTS5 expression. Each word becomes the OR
  of the words of the index that are forms of it; words are joined with AND. ``lang`` (``ru`` / ``ky``)
  says which language's rows the expression will search, so each language's text is searched by its own
  morphology:

  - a Russian word by the forms of its lexeme (pymorphy3: «органы» → орган, органа, …, органах, not
    «организации»; «должностное» → должностного, должностным, …);
  - a Kyrgyz word by the index words with the same stem from the project's suffix stripper
    (``rules/ky_stem.py``, as the analyzer sees it): «мыйзам» finds «мыйзамдын», «мыйзамга», but not
    «мыйзамсыз» or «мыйзамдуу» (other words, which a stem as a prefix found), «пара» not «параграф».

  The index's words and their Kyrgyz stems are the table :data:`TERMS_TABLE`, which ``taraza publish``
  writes (:func:`write_search_terms`); on a database without it (someone's own FTS table) a word falls back
  to its stem as a prefix. Without ``lang`` (a table of one language the query cannot see) a word gets
  both, the Russian forms only when the Russian dictionary knows the word and it has no Kyrgyz letter.
  A word typed with ``*`` is a prefix as typed («лиценз*»). A phrase in quotes («"конфликт интересов"») is
  its words next to each other in any of their forms (конфликта интересов, конфликтом интересов).
  Every term is quoted, so «12-р», «ст.» or a stray ``"`` can never cause an FTS5 syntax error, and «ё»
  is read as «е» (ingest writes «е» for «ё»).
* ``fts_snippet(text, q[, lang])`` is the passage of ``text`` around the matched words, as Markdown: the text is
  escaped (no HTML or Markdown from a scraped page can render) and the matched forms are bold. Name
  the result column ``*_markdown`` and datasette-render-markdown shows it.
* ``search_lang(lang)`` is the language a search was asked for: ``ru``, ``ky`` or ``''`` (both) for
  anything else, so «RU», «рус» or «kg» work and a value it cannot read searches both instead of nothing.
* ``row_link(table, pk, label)`` is a Markdown link to a row page, so query results link to clauses and acts.

The canned searches rank with ``bm25()`` in one pass over the index and make snippets only for the rows
they return (metadata.yml, ``search_clauses``).
"""
from __future__ import annotations

import itertools
import json
import math
import re
from functools import lru_cache

import Stemmer
from datasette import hookimpl
from pipeline.morph import ru_morph
from rules.ky_stem import ky_stem

# A query nobody's text contains: an empty search shows nothing instead of failing.
NO_MATCH = '"taraza_no_match_for_empty_query"'
# Stems shorter than this match too much as prefixes («орг*» would find «организация»); the word itself stays.
MIN_PREFIX = 4

# Written by `taraza publish` (write_search_terms): every distinct word of the database's full-text indexes
# with its Kyrgyz stem, so a query word resolves to the index's own words that are forms of it.
TERMS_TABLE = "search_terms"
# A quoted phrase is the FTS5 phrases of every combination of its words' forms while there are at most
# this many; a longer one is each pair of neighbouring words next to each other (AND), which grows as a sum
# instead of a product of the forms. (FTS5 answers an OR of 500 two-word phrases in about 20 ms on the
# built database; a Kyrgyz stem has at most 24 forms in it, so two Kyrgyz words stay under 600.)
MAX_PHRASES = 600
# Two neighbouring words with more combinations than this are searched as both anywhere in the row.
MAX_PAIR_PHRASES = 1500

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
    russian, kyrgyz = _morphologies(w, lang)
    forms: tuple[str, ...] = ()
    candidates: list[str] = []
    if russian:
        # a Russian noun is found by its case forms (the dictionary guesses a lexeme for any word: only a
        # word it knows gets them), another word by Snowball's stem
        forms = _noun_forms(w) if ru_morph().word_is_known(w) else ()
        if not forms:
            candidates.append(_ru.stemWord(w))
    if kyrgyz:
        # The stripper restores voicing («китебин» → «китеп»); the written prefix «китеб» is what the index
        # holds for inflected forms, so search both.
        ky = ky_stem(w)
        candidates += [ky, w[: len(ky)]]
    prefixes: list[str] = []
    for cand in candidates:
        if len(cand) >= MIN_PREFIX and cand not in prefixes and w.startswith(cand[:-1]):
            prefixes.append(cand)
    return (w, *[f for f in forms if f != w]), tuple(prefixes)


def _noun_forms(w: str) -> tuple[str, ...]:
    """The case forms of a word every reading of which is a Russian noun («органы» → орган, органа, …,
    органах); empty for any other word («стали» may be a verb), which keeps its stem."""
    parses = ru_morph().parse(w)
    if not parses or any(p.tag.POS != "NOUN" for p in parses):
        return ()
    return tuple(sorted({f.word.replace("ё", "е") for p in parses for f in p.lexeme}))


_KYRGYZ_LETTERS = frozenset("ңөү")


def _russian_word(w: str) -> bool:
    """A word the Russian dictionary knows and that has no Kyrgyz letter («органы», «закупок»)."""
    return not (_KYRGYZ_LETTERS & set(w)) and ru_morph().word_is_known(w)


def expand_word(word: str, lang: str = "", resolve=word_terms) -> str:
    """One word → an FTS5 group: its exact forms plus its stems as prefixes, for text of ``lang``
    (``resolve``: :func:`word_terms`, or a database's :meth:`Vocabulary.terms`)."""
    forms, prefixes = resolve(word, lang)
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


def fts_query(q, lang=None, vocabulary: "Vocabulary | None" = None) -> str:
    """User input → FTS5 MATCH expression for text of ``lang``: AND of the words, each the OR of its forms;
    «"..."» is its words next to each other, each in any of its forms. With a ``vocabulary`` (the
    database's own words) a word is resolved to the index words that are its forms, else to its forms and
    stems as prefixes (:func:`word_terms`)."""
    phrases, words = _parse(q)
    lang = search_lang(lang)
    resolve = vocabulary.terms if vocabulary is not None else word_terms
    groups = [phrase_group(p, lang, resolve) for p in phrases] + [expand_word(w, lang, resolve) for w in words]
    return " AND ".join(groups) if groups else NO_MATCH


def phrase_group(words: list[str], lang: str = "", resolve=word_terms) -> str:
    """A quoted phrase → FTS5: its words next to each other, each in any of its exact forms. A ``*`` inside
    quotes is ignored (FTS5 phrases hold whole words)."""
    forms = [resolve(w, lang)[0] for w in (w.rstrip("*") for w in words) if w]
    if not forms:
        return NO_MATCH
    if len(forms) == 1:
        return _any_of(forms[0])
    if math.prod(len(f) for f in forms) <= MAX_PHRASES:
        return _any_of([" ".join(c) for c in itertools.product(*forms)])
    pairs = []
    for a, b in zip(forms, forms[1:]):
        if len(a) * len(b) <= MAX_PAIR_PHRASES:
            pairs.append(_any_of([f"{x} {y}" for x in a for y in b]))
        else:
            pairs += [_any_of(a), _any_of(b)]
    return "(" + " AND ".join(pairs) + ")"


def _any_of(terms) -> str:
    quoted = [_quote(t) for t in dict.fromkeys(terms)]
    return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


# What people type for a language: the codes, the names and their beginnings.
_LANGUAGES = {
    **dict.fromkeys(("ru", "rus", "russian", "ру", "рус", "русский", "орусча"), "ru"),
    **dict.fromkeys(("ky", "kg", "kir", "kgz", "kyrgyz", "кы", "кыр", "кыргыз", "кыргызча", "кырг"), "ky"),
}


def search_lang(lang) -> str:
    """The language a search asks for: ``ru``, ``ky``, or ``''`` (both) for anything it cannot read, so a
    mistyped ``lang`` searches both languages instead of finding nothing."""
    return _LANGUAGES.get(str(lang or "").strip().lower(), "")


def _morphologies(w: str, lang: str) -> tuple[bool, bool]:
    """(search ``w`` by its Russian forms, by its Kyrgyz stem) in text of ``lang``; without a language, a
    word gets the Russian forms only if the dictionary knows it and it has no Kyrgyz letter, and the Kyrgyz
    stem unless it is such a Russian word whose Kyrgyz «stem» is not a word (a cut Russian ending)."""
    if lang == "ru":
        return not (_KYRGYZ_LETTERS & set(w)), False
    if lang == "ky":
        return False, True
    russian = _russian_word(w)
    ky = ky_stem(w)
    return russian, not (russian and ky != w and not ru_morph().word_is_known(ky))


@lru_cache(maxsize=20_000)
def russian_forms(w: str) -> frozenset[str]:
    """Every form of each likely reading of a Russian word (pymorphy3 lexemes; it guesses one for a word
    its dictionary lacks). A reading scored under a tenth of the best is left out: «мер» is «мера», not
    «мереть»."""
    parses = ru_morph().parse(w)
    if not parses:
        return frozenset()
    best = max(p.score for p in parses)
    return frozenset(f.word.replace("ё", "е") for p in parses if p.score >= best / 10 for f in p.lexeme)


class Vocabulary:
    """The words of one database's full-text indexes (:data:`TERMS_TABLE`), read through its connection,
    with each typed word's resolution cached (the published database does not change while served)."""

    def __init__(self, conn):
        self._conn = conn
        self._present = False
        self._cache: dict[tuple[str, str], tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def present(self) -> bool:
        if not self._present:
            found = self._conn.execute("select 1 from sqlite_master where type = 'table' and name = ?",
                                       (TERMS_TABLE,)).fetchone()
            self._present = found is not None
        return self._present

    def terms(self, word: str, lang: str = "") -> tuple[tuple[str, ...], tuple[str, ...]]:
        """One typed word → (the index words that are its forms, the word itself first; prefixes), as
        :func:`word_terms` gives them: a Russian word's lexeme forms, a Kyrgyz word's words of the same
        stem. A ``*`` word, a number or a database without the table gets :func:`word_terms`."""
        key = (word, lang)
        if key in self._cache:
            return self._cache[key]
        w = word.lower().replace("ё", "е")
        if w.endswith("*") or not w.isalpha() or not self.present():
            out = word_terms(word, lang)
        else:
            russian, kyrgyz = _morphologies(w, lang)
            found = {r[0] for r in self._conn.execute(
                f"select term from {TERMS_TABLE} where term in (select value from json_each(?))"
                " or ky_stem = ?",
                (json.dumps(sorted(russian_forms(w)) if russian else [], ensure_ascii=False),
                 ky_stem(w) if kyrgyz else None))}
            out = ((w, *sorted(found - {w})), ())
        if len(self._cache) >= 50_000:
            self._cache.clear()
        self._cache[key] = out
        return out


_FTS5_TABLE = re.compile(r"using\s+fts5\s*\(", re.I)


def write_search_terms(conn) -> int:
    """(Re)write :data:`TERMS_TABLE` in ``conn``'s main database: every distinct word of its FTS5 tables
    (as the index holds it, from fts5vocab) with its Kyrgyz stem. Returns the number of words."""
    tables = [name for name, sql in conn.execute("select name, sql from main.sqlite_master where type = 'table'")
              if sql and _FTS5_TABLE.search(sql)]
    words: set[str] = set()
    for name in tables:
        conn.execute(f"create virtual table temp.taraza_vocab using fts5vocab(main, {name}, row)")
        words.update(w for (w,) in conn.execute("select term from temp.taraza_vocab"))
        conn.execute("drop table temp.taraza_vocab")
    conn.execute(f"drop table if exists main.{TERMS_TABLE}")
    conn.execute(f"create table main.{TERMS_TABLE} (term text primary key, ky_stem text not null) without rowid")
    conn.executemany(f"insert into main.{TERMS_TABLE} values (?, ?)", ((w, ky_stem(w)) for w in sorted(words)))
    conn.execute(f"create index main.{TERMS_TABLE}_ky_stem on {TERMS_TABLE} (ky_stem)")
    return len(words)


_TOKEN = re.compile(r"\w+")


def fts_snippet(text, q, lang=None, size: int = 32, vocabulary: "Vocabulary | None" = None) -> str:
    """The passage of ``text`` around the words ``q`` matches, as Markdown with those words in bold.

    Same matching as :func:`fts_query` (the same forms, and prefixes where it has them), done in Python on
    the few rows a search returns, so a ranked query needs one pass over the full-text index instead of a
    second MATCH for FTS5's snippet().
    """
    if not text:
        return ""
    text = str(text)
    phrases, words = _parse(q)
    lang = search_lang(lang)
    resolve = vocabulary.terms if vocabulary is not None else word_terms
    exact: set[str] = {f for p in phrases for w in p if w.rstrip("*") for f in resolve(w.rstrip("*"), lang)[0]}
    prefixes: list[str] = []
    for word in words:
        forms, pre = resolve(word, lang)
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
    # The search functions resolve words against this connection's own database (its TERMS_TABLE).
    vocabulary = Vocabulary(conn)

    def query(q, lang=None):
        return fts_query(q, lang, vocabulary)

    def snippet(text, q, lang=None):
        return fts_snippet(text, q, lang, vocabulary=vocabulary)

    for n in (1, 2):
        conn.create_function("fts_query", n, query, deterministic=True)
    for n in (2, 3):
        conn.create_function("fts_snippet", n, snippet, deterministic=True)
    conn.create_function("search_lang", 1, search_lang, deterministic=True)
    base = datasette.urls.database(database) if datasette is not None and database else ""
    conn.create_function("row_link", 3, row_link_function(base), deterministic=True)
