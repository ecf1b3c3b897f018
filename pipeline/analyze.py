"""Corruption-factor analyzer: rules on lemmas (RU) and stems (KY) with context conditions, document-level
checks for what is missing, and the combination with the trained model into one score per clause and
factor, with an expert's explanation (factor name, triggering words, why, fix).

Everything the rules know is data in ``rules/``: the typology (factors.yml), the trigger patterns
(patterns_ru.yml, patterns_ky.yml) and the context lexicons (context_ru.yml, context_ky.yml). This module
only compiles and applies them. One spaCy pipeline per language is built once per process and texts go
through ``nlp.pipe`` in batches.

Entry points:
    rule_hits(text, lang, heading=None, lead_in=None, article=None) -> list[Hit]
    classify_items(items) -> list[list[Flag]]     items: {"id", "text", "lang", "heading"?, "lead_in"?, "article"?}
    analyze_document(doc, structure) -> Report    clause flags + document-level findings
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import spacy
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc
from spacy.util import filter_spans

from models.factors import DEFAULT_THRESHOLD as RULES_ONLY_THRESHOLD  # the rules' own scale, without a model
from rules import load_yaml

from .document import AsDict
from .morph import ru_morph

ANALYZER_VERSION = "0.4"
CLAUSE_FACTORS = (
    "broad_discretion", "missing_deadline", "duplicate_powers", "vprave_competence", "selective_rights_change",
    "blanket_reference_norms", "missing_admin_procedure", "no_competitive_procedure", "excessive_requirements",
    "applicant_right_abuse", "legal_linguistic_uncertainty", "normative_conflict",
)
# Guideline §6.3: sub-types of Decree 96 item 3 «а», collapsed into broad_discretion for evaluation.
COLLAPSE = {"missing_deadline": "broad_discretion", "duplicate_powers": "broad_discretion"}
_SENT_END = {".", ";", "!", "?"}
# words that join listed agents of one passive verb («судом, органом или должностным лицом»; Kyrgyz
# «сот же ыйгарым укуктуу орган тарабынан»)
_AGENT_JOINERS = {",", "и", "или", "либо", "а", "также"}
_KY_AGENT_JOINERS = {",", "же", "жана", "болбосо"}
# token attributes a pattern's anchor word may be given in, and how to read them off a token
_ANCHOR_ATTRS = {"LEMMA": lambda t: t.lemma_, "LOWER": lambda t: t.lower_, "ORTH": lambda t: t.text,
                 "TEXT": lambda t: t.text}


@lru_cache(maxsize=1)
def factor_table() -> dict[str, dict]:
    """The typology of rules/factors.yml by id (names, definitions, why and fix in RU/KY)."""
    return {f["id"]: f for f in load_yaml("factors.yml")["factors"]}


# ---------------------------------------------------------------------------------------------------------
# Language pipelines


@lru_cache(maxsize=200_000)
def _ru_case_ok(word: str) -> bool:
    """Can this Russian word be the grammatical actor (nominative, or instrumental agent of a passive)?"""
    parses = ru_morph().parse(word)
    return any(p.tag.case in ("nomn", "ablt") for p in parses) or not any(p.tag.case for p in parses)


@lru_cache(maxsize=200_000)
def _ru_instrumental(word: str) -> bool:
    return any(p.tag.case == "ablt" for p in ru_morph().parse(word))


@lru_cache(maxsize=50_000)
def _ru_noun(lemma: str) -> bool:
    """Is this Russian lemma first of all a noun (what an action is about: «заявление», «решение»)?"""
    parses = ru_morph().parse(lemma)
    return bool(parses) and parses[0].tag.POS == "NOUN"


def _ky_case_endings() -> list[str]:
    spec = load_yaml("ky_suffixes.yml")
    case = next(s for s in spec["slots"] if s["name"] == "case")
    return sorted({e for g in case["groups"] for e in g["endings"] if len(e) > 1}, key=len, reverse=True)


@lru_cache(maxsize=200_000)
def _ky_case_ok(word: str) -> bool:
    """A Kyrgyz actor stands in the nominative: no case ending after its stem."""
    from rules.ky_stem import ky_stem

    w = word.lower()
    stem = ky_stem(w)
    tail = w[len(stem):] if w.startswith(stem[:-1]) else ""
    # «жараны-н», «органы-н»: the one-letter accusative/genitive after a possessive vowel is oblique too
    oblique_n = len(tail) >= 2 and tail.endswith("н") and tail[-2] in "ыиуү"
    return not oblique_n and not any(tail.endswith(e) for e in _KY_CASES)


_KY_CASES: list[str] = []
# a passive finite verb or participle at the end of a word («берилет», «аныкталат», «белгиленген»,
# «түзүлгөндө»); anchored, since inside a word «-нөт-» of «мөөнөттө» looks the same; at least three letters
# before the passive «-л-/-н-», so «алат» (can), «болот» (is), «келген» (came) are not taken
_KY_PASSIVE = re.compile(r"^\w{3,}(л|н)(ат|ет|от|өт|ган|ген|гон|гөн|уу|үү)"
                         r"(дар|дер|дор|дөр)?(ды|ди|ду|дү|да|де|до|дө|дан|ден|дон|дөн|га|ге|го|гө)?$")
# an attributive participle (past «-ган», future «-уучу»), as after «… тарабынан бекитилген (бекитилүүчү)»
_KY_PARTICIPLE = re.compile(r"\w{3,}(ган|ген|гон|гөн|кан|кен|кон|көн|уучу|үүчү)$")
# the passive verbal noun before «мүмкүн»: passive -ыл/-ил/-ул/-үл/-н, or -л after a stem's last vowel
# («кара-л-ыш-ы»; a stem of at least four letters, so that «сал-ыш-ы», «кал-ыш-ы» stay active), then
# -ыш/-иш/-уш/-үш + possessive
_KY_MODAL_PASSIVE = re.compile(r"(?:ыл|ил|ул|үл|н|(?<=\w{3}[аоөуүыеэи])л)(ыш|иш|уш|үш)(ы|и|у|ү)$")


@lru_cache(maxsize=1)
def _ky_topic_spec() -> dict:
    from rules.ky_stem import ky_stem

    spec = load_yaml("ky_article_topic.yml")
    return {"min_stem": int(spec["min_stem"]), "verb": tuple(spec["verb_endings"]),
            "bare_verb": tuple(spec["bare_verb_endings"]), "nouns": frozenset(spec["nouns"]),
            "general": frozenset(ky_stem(w) for w in spec["general_stems"])}


@lru_cache(maxsize=100_000)
def _ky_topic_word(word: str) -> bool:
    """Does this Kyrgyz word (lower case) name what an action is about — a noun-like stem, not a verb form nor a
    too general noun (rules/ky_article_topic.yml)? The Kyrgyz side of ``_ru_noun`` for the `where: article` scope."""
    from rules.ky_stem import ky_stem

    spec = _ky_topic_spec()
    stem = ky_stem(word)
    if len(stem) < spec["min_stem"] or stem in spec["general"]:
        return False
    if word in spec["nouns"]:
        return True
    if word.endswith(spec["verb"]) or stem.endswith(spec["verb"]):
        return False
    return not (word == stem and word.endswith(spec["bare_verb"]))


def _ky_stem_component(doc: Doc) -> Doc:
    from rules.ky_stem import ky_stem

    for t in doc:
        t.lemma_ = ky_stem(t.lower_)
    return doc


@spacy.Language.component("taraza_ky_stem")
def _ky_stem_pipe(doc):
    return _ky_stem_component(doc)


@lru_cache(maxsize=300_000)
def _ru_first_lemma(word: str) -> str:
    return ru_morph().parse(word)[0].normal_form.replace("ё", "е")


@spacy.Language.component("taraza_ru_lemma_fix")
def _ru_lemma_fix(doc):
    # Without a POS tagger spaCy's pymorphy3 lemmatizer leaves every ambiguous form as it is
    # («уполномоченным», «может»); take pymorphy3's most probable parse for those, so that lexicon
    # phrases and text meet on the same lemma.
    # pymorphy3 writes «ё» in lemmas («учёт»); the ingested text has «е» everywhere, so lemmas do too.
    for t in doc:
        if t.lemma_ == t.text and t.is_alpha:
            t.lemma_ = _ru_first_lemma(t.text)
        if "ё" in t.lemma_:
            t.lemma_ = t.lemma_.replace("ё", "е")
    return doc


def _word_cached(lemmatize):
    """spaCy's pymorphy3 lemmatizer, remembering each word's lemmas: without a tagger they depend on the
    word alone, and legal text repeats its words (walking pymorphy3's dictionaries was two thirds of the
    analysis time)."""
    cache: dict[str, list[str]] = {}

    def run(token):
        if token.pos_:          # a tagged token's lemma depends on more than the word
            return lemmatize(token)
        got = cache.get(token.text)
        if got is None:
            if len(cache) > 300_000:
                cache.clear()
            got = cache[token.text] = lemmatize(token)
        return got

    return run


@lru_cache(maxsize=2)
def nlp_for(lang: str):
    """The one spaCy pipeline of a language: blank tokenizer + pymorphy3 lemmas (RU) or KY suffix stems."""
    if lang == "ru":
        nlp = spacy.blank("ru")
        lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "pymorphy3"})
        lemmatizer.lemmatize = _word_cached(lemmatizer.lemmatize)
        nlp.add_pipe("taraza_ru_lemma_fix")
        nlp.initialize()
        return nlp
    if lang == "ky":
        global _KY_CASES
        _KY_CASES = _ky_case_endings()
        nlp = spacy.blank("ky")
        nlp.add_pipe("taraza_ky_stem")
        return nlp
    raise ValueError(f"unsupported language {lang!r}")


# ---------------------------------------------------------------------------------------------------------
# Compiled rules


@dataclass
class Hit(AsDict):
    """One rule firing on one clause."""

    factor: str
    rule: str
    score: float
    evidence: str
    start: int          # character offsets of the evidence in the clause text
    end: int
    why_ru: str = ""
    why_ky: str = ""
    actor: str = ""


class RuleSet:
    def __init__(self, lang: str):
        self.lang = lang
        self.nlp = nlp_for(lang)
        ctx = load_yaml(f"context_{lang}.yml")
        self.rules = load_yaml(f"patterns_{lang}.yml")["rules"]
        self.by_id = {r["id"]: r for r in self.rules}
        vocab = self.nlp.vocab
        self.lex_matcher = Matcher(vocab)
        self.lex_phrases = PhraseMatcher(vocab, attr="LEMMA")
        self.lexicons = set()
        self.exclusive_groups = ctx.get("exclusive_groups") or []
        for name, spec in ctx["lexicons"].items():
            self.lexicons.add(name)
            if spec.get("phrases"):
                docs = list(self.nlp.pipe([p.lower() for p in spec["phrases"]]))
                self.lex_phrases.add(name, docs)
            if spec.get("patterns"):
                self.lex_matcher.add(name, spec["patterns"])
        # One small Matcher per rule, run only on texts that hold one of its anchors (a word each of its
        # patterns requires). spaCy's Matcher pays for every pattern at every token, REGEX predicates most
        # of all, while a clause meets a handful of the rules at most.
        self.stop_words = self.nlp.Defaults.stop_words
        self.rule_matchers: dict[str, Matcher] = {}
        self.lead_rules: set[str] = set()
        self.anchor_words: dict[str, dict[str, set[str]]] = {}     # attr -> word -> rule ids
        self.anchor_regexes: list[tuple[str, re.Pattern, str]] = []
        self.unanchored: list[str] = []
        norm = _stem_attr if lang == "ky" else self._lemma_attr
        for r in self.rules:
            self._check_rule(r)
            pats = [[norm(tok) for tok in p] for p in r["patterns"]]
            self.rule_matchers[r["id"]] = m = Matcher(vocab)
            m.add(r["id"], pats)
            if r.get("lead_in"):
                self.lead_rules.add(r["id"])
            for pat in pats:
                self._index_anchor(r["id"], pat)
        # the token attributes the anchors are read in, each read off a text once per call of rule_matches
        self.anchor_attrs = set(self.anchor_words) | {attr for attr, _, _ in self.anchor_regexes}
        self.case_ok = _ru_case_ok if lang == "ru" else _ky_case_ok

    def _index_anchor(self, rid: str, pat: list[dict]) -> None:
        """Index one required token of the pattern: the one with the fewest fixed words, else a REGEX."""
        words, regexes = [], []
        for tok in pat:
            op = str(tok.get("OP") or "1")
            if op in ("?", "*", "!") or op.startswith("{0") or op.startswith("{,"):
                continue
            for attr in _ANCHOR_ATTRS:
                val = tok.get(attr)
                if isinstance(val, str):
                    words.append((attr, [val]))
                elif isinstance(val, dict) and "IN" in val:
                    words.append((attr, list(val["IN"])))
                elif isinstance(val, dict) and "REGEX" in val:
                    regexes.append((attr, re.compile(val["REGEX"])))
        # the rarest required token, by a rough frequency: a short function word or a punctuation mark («в», «и»,
        # «,», «жана») is in most clauses, and anchoring on it sent a fifth of the rules to their matchers for
        # every clause; other stop words («иной», «может») are common too
        def cost(vals: list[str]) -> tuple[int, int]:
            stop = [v in self.stop_words for v in vals]
            return (sum(1000 if len(v) <= 2 or not any(c.isalpha() for c in v) else (500 if len(v) <= 4 else 50)
                        if s else 1 for v, s in zip(vals, stop)), sum(stop))

        if words:
            attr, vals = min(words, key=lambda w: cost(w[1]))
            for v in vals:
                self.anchor_words.setdefault(attr, {}).setdefault(v, set()).add(rid)
        elif regexes:
            self.anchor_regexes.append((*regexes[0], rid))
        else:
            self.unanchored.append(rid)

    def rule_matches(self, doc: Doc, lead_in: bool = False) -> list[tuple[str, int, int]]:
        """(rule id, start, end) of every pattern match of the rules (the lead-in rules) in doc."""
        values = {attr: {_ANCHOR_ATTRS[attr](t) for t in doc} for attr in self.anchor_attrs}
        found = set(self.unanchored)
        for attr, index in self.anchor_words.items():
            for v in values[attr] & index.keys():
                found |= index[v]
        for attr, rx, rid in self.anchor_regexes:
            if rid not in found:
                if any(rx.search(v) for v in values[attr]):
                    found.add(rid)
        if lead_in:
            found &= self.lead_rules
        return [(rid, s, e) for rid in sorted(found) for _, s, e in self.rule_matchers[rid](doc)]

    def _lemma_attr(self, tok: dict) -> dict:
        """A pattern's LEMMA may be written as a dictionary form the lemmatizer does not produce
        («кратчайший» → «краткий», «может» → «мочь»): accept both spellings."""
        if "LEMMA" not in tok:
            return tok
        val = tok["LEMMA"]

        def both(v: str) -> list[str]:
            d = self.nlp(v)
            return list(dict.fromkeys([v, d[0].lemma_] if len(d) == 1 else [v]))

        tok = dict(tok)
        if isinstance(val, str):
            forms = both(val)
            tok["LEMMA"] = forms[0] if len(forms) == 1 else {"IN": forms}
        elif isinstance(val, dict):
            tok["LEMMA"] = {k: [f for v in vs for f in both(v)] if k in ("IN", "NOT_IN") else vs
                            for k, vs in val.items()}
        return tok

    def _check_rule(self, r: dict) -> None:
        if r["factor"] not in CLAUSE_FACTORS:
            raise ValueError(f"rule {r['id']}: unknown factor {r['factor']}")
        for extra in r.get("also") or []:
            if extra["factor"] not in CLAUSE_FACTORS:
                raise ValueError(f"rule {r['id']}: unknown factor {extra['factor']}")
        for cond in [*(r.get("require") or []), *(r.get("unless") or [])] + [
            c for e in r.get("also") or [] for c in [*(e.get("require") or []), *(e.get("unless") or [])]
        ]:
            if "has" in cond and cond["has"] not in self.lexicons:
                raise ValueError(f"rule {r['id']}: unknown lexicon {cond['has']}")

    def lexicon_spans(self, doc: Doc) -> dict[str, list[tuple[int, int]]]:
        out: dict[str, list[tuple[int, int]]] = {}
        strings = self.nlp.vocab.strings
        for mid, s, e in [*self.lex_matcher(doc), *self.lex_phrases(doc)]:
            out.setdefault(strings[mid], []).append((s, e))
        # inside a group of competing lexicons a longer term wins: «баш тартуу» (refuse) is a decision,
        # not the control verb «тартуу» (engage) it contains
        for group in self.exclusive_groups:
            spans = [(s, e, name) for name in group for s, e in out.get(name, [])]
            for name in group:
                if name in out:
                    out[name] = [(s, e) for s, e in out[name]
                                 if not any(a <= s and e <= b and (b - a) > (e - s) and n != name for a, b, n in spans)]
        return out


def _stem_attr(tok: dict) -> dict:
    """Kyrgyz patterns write words as they appear under `STEM`; match them on the stem (the lemma)."""
    if "STEM" not in tok:
        return tok
    from rules.ky_stem import ky_stem

    tok = dict(tok)
    val = tok.pop("STEM")
    tok["LEMMA"] = {"IN": [ky_stem(v) for v in val["IN"]]} if isinstance(val, dict) else ky_stem(val)
    return tok


@lru_cache(maxsize=2)
def ruleset(lang: str) -> RuleSet:
    return RuleSet(lang)


class _Ctx:
    """One clause prepared for condition checks: its doc, lead-in and heading docs, lexicon spans."""

    def __init__(self, rs: RuleSet, doc: Doc, text: str, lead: Doc | None, head: Doc | None,
                 is_lead: bool = False, article: str = "", parsed: dict[str, Doc] | None = None):
        # is_lead: `doc` is a lead-in and `lead` the list item it introduces (addendum 1)
        # article: the text of the whole article the clause belongs to, when the caller knows it (the context
        # rule of §2); parsed: the article docs already made, shared by the clauses of one call
        self.is_lead = is_lead
        self.rs = rs
        self.doc = doc
        self.text = text
        self.lead = lead
        self.head = head
        self.article = article
        self._parsed = parsed if parsed is not None else {}

    @cached_property
    def art(self) -> Doc | None:
        """The article as a doc, parsed only when a rule asks about it (`where: article`): most clauses never
        do, and parsing every article up front tokenized each act a second time beside its clauses."""
        if not self.article:
            return None
        if self.article not in self._parsed:
            self._parsed[self.article] = self.rs.nlp(self.article.lower())
        return self._parsed[self.article]

    # Lexicon spans and sentence bounds are worked out only for texts a rule matched in: most clauses have none.
    @cached_property
    def spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.rs.lexicon_spans(self.doc)

    @cached_property
    def lead_spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.rs.lexicon_spans(self.lead) if self.lead is not None and len(self.lead) else {}

    @cached_property
    def head_spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.rs.lexicon_spans(self.head) if self.head is not None and len(self.head) else {}

    @cached_property
    def art_spans(self) -> dict[str, list[tuple[int, int]]]:
        return self.rs.lexicon_spans(self.art) if self.art is not None and len(self.art) else {}

    @cached_property
    def names(self) -> list[tuple[int, int, str, str, bool]]:
        """The actors named in the clause (``_names``), for every trigger of it."""
        return self._names(self.doc, self.spans)

    @cached_property
    def _sentences(self) -> tuple[list[int], list[tuple[int, int]]]:
        doc = self.doc
        bounds = [0] + [t.i + 1 for t in doc if t.text in _SENT_END] + [len(doc)]
        sent_of = [0] * len(doc)
        sents: list[tuple[int, int]] = []
        for a, b in zip(bounds, bounds[1:]):
            if b > a:
                sent_of[a:b] = [len(sents)] * (b - a)
                sents.append((a, b))
        return sent_of, sents

    def sentence(self, i: int) -> tuple[int, int]:
        sent_of, sents = self._sentences
        return sents[sent_of[min(i, len(self.doc) - 1)]] if len(self.doc) else (0, 0)

    def has(self, name: str, where: str, s: int, e: int, within: int | None) -> bool:
        if where == "item":
            # the list item itself: an item can remove a factor its lead-in carries (addendum 1)
            return bool((self.lead_spans if self.is_lead else self.spans).get(name))
        if where == "article":
            # the rest of the same article (§2, context rule): a term set two parts later counts when its
            # sentence is about the same action, i.e. shares a content word with the trigger
            # («… рассматривает заявление …» / «Решение по заявлению принимается в течение 10 дней»)
            if self._in_article_about(name, s, e):
                return True
            where = "context"
        if where in ("lead_in", "heading", "context"):
            found = False
            if where in ("lead_in", "context"):
                found = bool(self.lead_spans.get(name))
            if not found and where in ("heading", "context"):
                found = bool(self.head_spans.get(name))
            if found:
                return True
            if where != "context":
                return False
            where = "clause"
        spans = self.spans.get(name) or []
        if not spans:
            return False
        if where == "clause":
            return True
        if where == "end":
            # the term closes the clause: an offence code's disposition ends on the dash before its sanction
            last = len(self.doc)
            while last and self.doc[last - 1].is_space:
                last -= 1
            return any(b == last for _, b in spans)
        ss, se = self.sentence(s)
        if where == "sentence":
            lo, hi = ss, se
        elif where == "left":
            # a multi-word trigger's own first words count as left context («берилиши мүмкүн»)
            lo, hi = max(ss, s - (within or 10**6)), max(s, e - 1)
        elif where == "right":
            lo, hi = s + 1, min(se, e + (within or 10**6))
        else:
            raise ValueError(f"unknown window {where!r}")
        return any(a < hi and b > lo for a, b in spans)

    def _in_article_about(self, name: str, s: int, e: int) -> bool:
        spans = self.art_spans.get(name)
        if not spans:
            return False
        # the nouns of the trigger name the action's object; verbs («подлежать», «принимать») are too general
        if self.rs.lang == "ky":
            words = {t.lemma_ for t in self.doc[s:e] if t.is_alpha and not t.is_stop and _ky_topic_word(t.lower_)}
        else:
            words = {t.lemma_ for t in self.doc[s:e] if t.is_alpha and len(t.lemma_) > 4 and not t.is_stop
                     and _ru_noun(t.lemma_)}
        if not words:
            return False
        art = self.art
        bounds = [0] + [t.i + 1 for t in art if t.text in _SENT_END] + [len(art)]
        for a, b in spans:
            lo = max(x for x in bounds if x <= a)
            hi = min(x for x in bounds if x >= b)
            if any(t.lemma_ in words for t in art[lo:hi]):
                return True
        return False

    def _names(self, doc: Doc, spans_by_kind: dict) -> list[tuple[int, int, str, str, bool]]:
        """Names of actors in doc: (start, end, kind, text, in the case an actor takes), longest first wins."""
        kinds = ("law_applier", "person", "court")
        spans = filter_spans([doc[a:b] for k in kinds for a, b in spans_by_kind.get(k, [])])
        kind_of = {}
        for k in kinds:
            for a, b in spans_by_kind.get(k, []):
                kind_of.setdefault((a, b), k)
        out = []
        for sp in spans:
            k = kind_of.get((sp.start, sp.end))
            if k is not None:
                head = sp[0] if self.rs.lang == "ru" else sp[-1]
                out.append((sp.start, sp.end, k, sp.text, self.rs.case_ok(head.text.lower())))
        return out

    def actor(self, s: int, e: int) -> tuple[str, str]:
        """(kind, text) of who acts for the trigger at tokens s..e."""
        ss, se = self.sentence(s)
        lang_ru = self.rs.lang == "ru"
        here = self.names
        left = [c for c in here if ss <= c[0] and c[1] <= s]
        # «может (могут) быть + participle»: the nominative before it is what the decision is about
        # («Граждане … могут быть допущены», «брак может быть восстановлен»), not who decides; the one who
        # decides is the instrumental agent («… органом») or the genitive after «(по) решению (решения)»
        modal_passive = lang_ru and any(t.lemma_ == "быть" for t in self.doc[s:e])

        if modal_passive:
            chain = self.passive_agents(here, e)
            if chain:
                a, b, k, txt, ok = next((c for c in chain if c[2] == "law_applier"), chain[0])
                return k, txt
        right = sorted((c for c in here if c[0] >= e and c[1] <= se), key=lambda c: c[0])
        if lang_ru and not modal_passive and any(t.lower_.endswith("тся") for t in self.doc[s:e]):
            # a reflexive passive with the body as its agent («Плательщик исключается из реестра решением
            # органа»): the person in the nominative before it is what the decision is about, not who decides
            agent = next((c for c in right
                          if c[2] == "law_applier" and self._agent_form(c[0], ("решением", "решению"))), None)
            if agent is not None and any(c[2] == "person" and c[4] for c in left):
                return agent[2], agent[3]
        for a, b, k, txt, ok in sorted(left, key=lambda c: -c[1]):
            if not lang_ru and self._ky_attributive_agent(b, s):
                continue
            if ok and (not modal_passive or self._agent_form(a)):
                return k, txt
        for a, b, k, txt, ok in right:
            if lang_ru:
                # the agent of a passive stands after the verb in the instrumental («... продлевается органом»);
                # a trigger opening its sentence is an adverbial before the subject («При необходимости орган …»)
                # or, as the agent of a decision, in the genitive after «(по) решению (решением)» («прекращается
                # решением органа»)
                if self._agent_form(a, ("решением", "решению")) or (s - ss <= 1 and ok and a - e <= 2):
                    return k, txt
            elif ok:
                # Kyrgyz: an adverbial opening the sentence stands before the subject («Зарыл болгон учурда орган ...»);
                # but a person in the nominative of a «-ылышы мүмкүн» sentence is what the passive is about («Зарыл
                # болгондо … күбө чакырылышы мүмкүн»), not who acts (as «может быть …» in RU)
                if k == "person" and self._modal_passive(ss, se):
                    continue
                return k, txt
        if self.lead is not None and len(self.lead) and not self.is_lead:
            lead_c = self._names(self.lead, self.lead_spans)
            for a, b, k, txt, ok in sorted(lead_c, key=lambda c: -c[1]):
                if ok:
                    return k, txt
        if any(t.lemma_ in ("быть", "болуу") for t in self.doc[s:e]) or self._passive(s, e) or \
                self._modal_passive(ss, se):
            return "implied", ""
        if self.head is not None and len(self.head):
            head_c = self._names(self.head, self.head_spans)
            if head_c:
                return head_c[0][2], head_c[0][3]
        return "none", ""

    def _ky_attributive_agent(self, b: int, s: int) -> bool:
        """The Kyrgyz name ending at token b is the agent of a participle that qualifies a noun («Министрлер
        Кабинети тарабынан бекитилген жобо» = «положение, утвержденное Кабинетом Министров»), not the actor of
        the sentence's predicate at s: its nominative form only marks the agent of «тарабынан»."""
        return b + 1 < s and self.doc[b].lower_ == "тарабынан" and bool(_KY_PARTICIPLE.search(self.doc[b + 1].lower_))

    def _agent_form(self, a: int, decision_forms=("решением", "решению", "решения")) -> bool:
        """The name at token a is the agent of a passive: instrumental, or the genitive after «(по) решению»."""
        return _ru_instrumental(self.doc[a].text.lower()) or (a > 0 and self.doc[a - 1].lower_ in decision_forms)

    def passive_agents(self, names: list[tuple], e: int) -> list[tuple]:
        """The agents listed right after a passive ending at token e («может быть освобожден судом, органом,
        уполномоченным …»): candidate names (start, end, kind, text, case_ok) in order."""
        chain, pos = [], e
        for c in sorted((c for c in names if c[0] >= e), key=lambda c: c[0]):
            between = self.doc[pos:c[0]]
            if not self._agent_form(c[0]) or len(between) > (3 if chain else 1) or \
                    (chain and any(t.lower_ not in _AGENT_JOINERS for t in between)):
                break
            chain.append(c)
            pos = c[1]
        return chain

    def court_beside_official(self, s: int, e: int) -> bool:
        """A court is named as an alternative agent beside an official body («продлен судом или органом»):
        the decision is then the official's too."""
        if self.rs.lang == "ru":
            kinds = {c[2] for c in self.passive_agents(self.names, e)}
        else:
            # Kyrgyz names the agents (or the subject) before the verb: «сот же ыйгарым укуктуу орган тарабынан …»,
            # «органдын же соттун чечими боюнча …», «сот, ыйгарым укуктуу орган … тааныбашы мүмкүн»; a name in
            # another oblique case between them and the verb («укук бузуучунун инсандыгынан») is not an agent
            ss, _ = self.sentence(s)
            names = [c for c in self.names if ss <= c[0] and c[1] <= s]
            kinds = set()
            for a, b, k, _, case_ok in sorted(names, key=lambda c: -c[0]):
                if not kinds:
                    nxt = self.doc[b].lower_        # b <= s: the trigger follows
                    if case_ok or nxt == "тарабынан" or nxt.startswith("чечим"):
                        kinds.add(k)
                    continue
                if self.doc[b].lower_ not in _KY_AGENT_JOINERS:
                    break
                kinds.add(k)
        return {"court", "law_applier"} <= kinds

    def _modal_passive(self, ss: int, se: int) -> bool:
        """The sentence's decision is an impersonal «может (могут) быть + participle» («разрешение может быть
        аннулировано, если …»): a condition phrase elsewhere in it still belongs to an official's act."""
        toks = self.doc[ss:se]
        if self.rs.lang == "ky":
            # Kyrgyz: a passive verbal noun with «мүмкүн» («кайталанышы мүмкүн», «жүргүзүлүшү мүмкүн»)
            return any(t.lower_ == "мүмкүн" and t.i > ss and _KY_MODAL_PASSIVE.search(self.doc[t.i - 1].lower_)
                       for t in toks)
        return any(t.lemma_ == "быть" and t.i > ss and self.doc[t.i - 1].lemma_ in ("мочь", "может")
                   for t in toks)

    def _passive(self, s: int, e: int) -> bool:
        toks = self.doc[s:min(len(self.doc), e + 2)]
        if self.rs.lang == "ru":
            return any(t.text.endswith(("ся", "тся", "ано", "ено", "ены", "ана", "ена", "ан", "ен")) for t in toks)
        return any(_KY_PASSIVE.search(t.lower_) for t in toks)

    def negated(self, s: int, e: int) -> bool:
        neg = self.spans.get("negator") or []
        if self.rs.lang == "ru":
            return any(s - 2 <= a < s for a, _ in neg)
        # Kyrgyz negation follows the verb: «укуктуу эмес», «мүмкүн эмес»
        return any(e <= a <= e + 1 or s <= a < e for a, _ in neg)


def _holds(cond: dict, ctx: _Ctx, s: int, e: int, actor_kind: str) -> bool:
    if "actor" in cond:
        return actor_kind in cond["actor"]
    if "negated" in cond:
        return ctx.negated(s, e) == bool(cond["negated"])
    if "has" in cond:
        if cond.get("except_beside_official") and ctx.court_beside_official(s, e):
            return False
        return ctx.has(cond["has"], cond.get("where", "clause"), s, e, cond.get("within"))
    raise ValueError(f"unknown condition {cond}")


def _passes(spec: dict, ctx: _Ctx, s: int, e: int, actor_kind: str) -> bool:
    if not all(_holds(c, ctx, s, e, actor_kind) for c in spec.get("require") or []):
        return False
    return not any(_holds(c, ctx, s, e, actor_kind) for c in spec.get("unless") or [])


def _evidence(ctx: _Ctx, s: int, e: int) -> tuple[str, int, int]:
    # a pattern may end on the punctuation that closes a predicate («укугу бар.»); it is not evidence
    while e - s > 1 and ctx.doc[e - 1].is_punct:
        e -= 1
    span = ctx.doc[s:e]
    a, b = span.start_char, span.end_char
    return ctx.text[a:b], a, b


def _hits_for(ctx: _Ctx, from_lead_in: bool = False) -> list[Hit]:
    rs = ctx.rs
    # one trigger per rule and start token: the shortest match (patterns with gaps match many lengths)
    best: dict[tuple[str, int], tuple[int, int]] = {}
    for rid, s, e in rs.rule_matches(ctx.doc, from_lead_in):
        key = (rid, s)
        if key not in best or e < best[key][1]:
            best[key] = (s, e)
    if not best:
        return []
    per_rule: dict[str, list] = {}
    for (rid, _), (s, e) in best.items():
        per_rule.setdefault(rid, []).append(ctx.doc[s:e])
    # overlapping triggers of one rule («по иным основаниям» / «иным основаниям») count once: the longest
    triggers = sorted((sp.start, sp.end, rid) for rid, sps in per_rule.items() for sp in filter_spans(sps))
    names = [(a, b) for k in ("law_applier", "person") for a, b in ctx.spans.get(k, [])]
    hits: list[Hit] = []
    for s, e, rid in triggers:
        if any(a <= s and e <= b and (a, b) != (s, e) for a, b in names):
            continue    # the trigger is part of a name: «ыйгарым укуктуу орган», «имеющий право орган»
        rule = rs.by_id[rid]
        kind, actor_text = ctx.actor(s, e)
        if not _passes(rule, ctx, s, e, kind):
            continue
        ev, a, b = _evidence(ctx, s, e)
        if from_lead_in:
            a = b = 0           # the evidence is in the lead-in, not in the clause text
        hits.append(_make_hit(rule["factor"], rid, rule, rule["score"], ev, a, b, actor_text))
        for extra in rule.get("also") or []:
            if _passes(extra, ctx, s, e, kind):
                hits.append(_make_hit(extra["factor"], rid, extra, extra["score"], ev, a, b, actor_text))
    return hits


def _make_hit(factor, rid, spec, score, ev, a, b, actor_text) -> Hit:
    f = factor_table()[factor]
    why_ru = (spec.get("why_ru") or f["why_ru"]).replace("{evidence}", ev)
    why_ky = (spec.get("why_ky") or f["why_ky"]).replace("{evidence}", ev)
    return Hit(factor, rid, float(score), ev, a, b, why_ru, why_ky, actor_text)


def _docs(rs: RuleSet, strings: list[str], batch_size: int = 256) -> dict[str, Doc]:
    uniq = list(dict.fromkeys(s for s in strings if s))
    return dict(zip(uniq, rs.nlp.pipe([s.lower() for s in uniq], batch_size=batch_size)))


def _as_text(v) -> str:
    """Headings and lead-ins arrive as a string, a list of paragraphs, or nothing."""
    if not v:
        return ""
    return "\n".join(x for x in v if x) if isinstance(v, (list, tuple)) else str(v)


def rule_hits_many(items: list[dict]) -> list[list[Hit]]:
    """Rule hits for many clauses ({"text", "lang", "heading"?, "lead_in"?, "article"?}), batched per language."""
    items = [{**it, "heading": _as_text(it.get("heading")), "lead_in": _as_text(it.get("lead_in")),
              "article": _as_text(it.get("article"))} for it in items]
    out: list[list[Hit]] = [[] for _ in items]
    by_lang: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_lang.setdefault(it.get("lang") or "ru", []).append(i)
    for lang, idx in by_lang.items():
        rs = ruleset(lang)
        texts = [items[i]["text"] or "" for i in idx]
        extra = _docs(rs, [items[i].get("heading") or "" for i in idx] + [items[i].get("lead_in") or "" for i in idx])
        articles: dict[str, Doc] = {}
        docs = rs.nlp.pipe([t.lower() for t in texts], batch_size=256)
        for i, text, doc in zip(idx, texts, docs):
            if len(doc.text) != len(text):     # lower() changed the length: keep offsets exact
                doc = rs.nlp(text)
            it = items[i]
            lead_text = it.get("lead_in") or ""
            lead, head = extra.get(lead_text), extra.get(it.get("heading") or "")
            ctx = _Ctx(rs, doc, text, lead, head, article=it["article"], parsed=articles)
            hits = _hits_for(ctx)
            if lead is not None and len(lead) and rs.lead_rules and len(lead.text) == len(lead_text):
                # Addendum 1: a factor carried by the lead-in is labelled on every item whose norm it
                # completes. The lead-in is read as the sentence and the item as its context, so the
                # item's own conditions («в случае нарушения …») still count.
                have = {h.factor for h in hits}
                hits += [h for h in _hits_for(_Ctx(rs, lead, lead_text, doc, head, is_lead=True,
                                                   article=it["article"], parsed=articles), from_lead_in=True)
                         if h.factor not in have]
            out[i] = hits
    return out


def rule_hits(text: str, lang: str, heading: str | None = None, lead_in: str | None = None,
              article: str | None = None) -> list[Hit]:
    """Rule hits on one clause, read with its article heading, the lead-in of its list and (optionally) the
    text of its whole article."""
    return rule_hits_many([{"text": text, "lang": lang, "heading": heading, "lead_in": lead_in,
                            "article": article}])[0]


def rule_scores(hits: list[Hit]) -> dict[str, float]:
    """Per-factor rule score: noisy-or of the rules that fired for it."""
    acc: dict[str, float] = {}
    for h in hits:
        acc[h.factor] = 1 - (1 - acc.get(h.factor, 0.0)) * (1 - h.score)
    return acc


# ---------------------------------------------------------------------------------------------------------
# Rules + model → flags with explanations


@dataclass
class Flag(AsDict):
    """One factor on one clause (or one document-level finding), explained as an expert would."""

    factor: str
    score: float
    evidence: str
    explanation: str
    fix: str
    source: str                      # rules | rules+model | document
    rules: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)   # evidence offsets in the clause text
    name: str = ""


def _model():
    try:
        from models import load

        return load("factors")
    except Exception:            # no artifact or an incompatible one: the rules still work
        return None


def model_version() -> str:
    m = _model()
    return m.version if m is not None else "rules-only"


def clause_item(clause, lang: str, article: str | None = None) -> dict:
    """A parsed clause (``pipeline.document.Clause``) as a classify_items input."""
    return {"text": clause.text, "lang": lang, "heading": clause.article_heading, "lead_in": clause.lead_in,
            "article": article}


def clause_items(clauses: list, lang: str) -> list[dict]:
    """classify_items inputs for all clauses of one act, each with the text of its whole article: the
    context rule (guideline §2) lets a term set elsewhere in the same article clear a missing one."""
    by_article: dict[str, list[str]] = {}
    for c in clauses:
        if c.article:
            by_article.setdefault(c.article, []).append(c.text)
    return [clause_item(c, lang, "\n".join(by_article[c.article]) if c.article else None) for c in clauses]


def classify_items(items: list[dict], threshold: float | None = None, use_model: bool = True) -> list[list[Flag]]:
    """Flags for many clauses ({"text", "lang", "heading"?, "lead_in"?}); empty list = clean clause."""
    from models.factors import combine

    hits = rule_hits_many(items)
    rsc = [rule_scores(h) for h in hits]
    model = _model() if use_model else None
    msc = model.predict(items, rsc) if model is not None else [{} for _ in items]
    out = []
    for it, hs, r, m in zip(items, hits, rsc, msc):
        lang = it.get("lang") or "ru"
        t = threshold if threshold is not None else (
            model.threshold_for(lang) if model is not None else RULES_ONLY_THRESHOLD)
        scores = combine(r, m) if model is not None else r
        out.append([_flag(f, s, lang, [h for h in hs if h.factor == f], bool(m))
                    for f, s in sorted(scores.items(), key=lambda kv: -kv[1]) if s >= t])
    return out


def _flag(factor: str, score: float, lang: str, hits: list[Hit], by_model: bool) -> Flag:
    """A flag explained by the rules that found it (the model only re-ranks rule hits)."""
    f = factor_table()[factor]
    name = f["name_ky"] if lang == "ky" else f["name_ru"]
    seen, why = [], []
    for h in hits:
        if h.evidence not in seen:
            seen.append(h.evidence)
    # One reason per place in the clause: rules of one factor that fire on the same words say the same
    # thing in different words («…срок рассмотрения не установлен. …срок не установлен.»); the strongest
    # speaks for them. Rules that fire on other words add their reason.
    explained: list[tuple[int, int]] = []
    for h in sorted(hits, key=lambda h: -h.score):
        w = h.why_ky if lang == "ky" else h.why_ru
        if not w or w in why:
            continue
        if h.end > h.start and any(h.start < b and a < h.end for a, b in explained):
            continue
        why.append(w)
        if h.end > h.start:
            explained.append((h.start, h.end))
    fix = f.get("fix_ky") if lang == "ky" and f.get("fix_ky") else f["fix_ru"]
    return Flag(factor, round(float(score), 3), " … ".join(seen), " ".join(why), fix,
                "rules+model" if by_model else "rules",
                sorted({h.rule for h in hits}), sorted({(h.start, h.end) for h in hits if h.end > h.start}), name)


# ---------------------------------------------------------------------------------------------------------
# Document-level checks: what is missing around an official's power


@dataclass
class Finding:
    factor: str
    clause_path: str
    score: float
    evidence: str
    explanation: str
    fix: str


def document_findings(lang: str, clauses: list, header: dict | None = None, text: str = "") -> list[Finding]:
    """For every power or decision of an official towards a person in the act: is there a term, a closed
    list of grounds, a procedure, an appeal route within its article or the act's general provisions?
    Plus the by-law checks (gap_filling_bylaw, outside_competence). Cues: rules/document_checks.yml."""
    spec = load_yaml("document_checks.yml")[lang]
    rs = ruleset(lang)
    docs = list(rs.nlp.pipe([c.text.lower() for c in clauses], batch_size=256))
    spans = [rs.lexicon_spans(d) for d in docs]
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(clauses):
        by_article.setdefault(c.article, []).append(i)
    act_has = {name: any(spans[i].get(name) for i in range(len(clauses))) for name in ("appeal_cue",)}
    act_low = text.lower()
    act_general_appeal = any(w in act_low for w in spec["general_appeal_words"])
    out: list[Finding] = []
    tf = factor_table()
    for art, idx in by_article.items():
        have = {name: any(spans[i].get(name) for i in idx) for name in ("fixed_term", "appeal_cue", "procedure_cue",
                                                                          "exhaustive", "identified_ref")}
        for i in idx:
            sp = spans[i]
            if not sp.get("official_decision") or not sp.get("law_applier") or sp.get("court"):
                continue
            if not (sp.get("adverse_action") or sp.get("refusal") or sp.get("adverse_or_benefit")):
                continue        # only decisions on a person's rights or burdens
            c = clauses[i]
            a, b = sp["official_decision"][0]
            ev = c.text[docs[i][a:b].start_char:docs[i][a:b].end_char]
            if not have["fixed_term"] and not have["identified_ref"]:
                out.append(Finding("missing_deadline", c.path, spec["score_deadline"], ev,
                                   spec["why_deadline"], tf["missing_deadline"]["fix_ru" if lang == "ru" else "fix_ky"]))
            if sp.get("adverse_action") and not have["appeal_cue"] and not act_general_appeal and not act_has["appeal_cue"]:
                out.append(Finding("missing_admin_procedure", c.path, spec["score_procedure"], ev,
                                   spec["why_procedure"],
                                   tf["missing_admin_procedure"]["fix_ru" if lang == "ru" else "fix_ky"]))
            break               # one finding set per article is what an expert writes
    # the act's type as the parser reads it from the header, not any word near the top: a law's
    # «Статья 2. Порядок выдачи лицензии» does not make it a by-law
    if ((header or {}).get("act_type") or "").lower() in spec["bylaw_types"]:
        head = act_low[:1500]
        if not any(w in head for w in spec["delegation_words"]):
            out.append(Finding("gap_filling_bylaw", "", spec["score_bylaw"], "", spec["why_gap"],
                               tf["gap_filling_bylaw"]["fix_ru" if lang == "ru" else "fix_ky"]))
        hits = [w for w in spec["statute_only_words"] if w in act_low]
        if hits:
            out.append(Finding("outside_competence", "", spec["score_bylaw"], hits[0], spec["why_outside"],
                               tf["outside_competence"]["fix_ru" if lang == "ru" else "fix_ky"]))
    return out
