"""Concepts shared by Russian and Kyrgyz text: the curated glossary (``rules/glossary_ru_ky.yml``) plus the
agency registry (``rules/agencies.yml``).

Every written form of a concept, in either language, becomes the same token (``c:17``, ``a:minjust``), so a
Russian report passage and a Kyrgyz plan measure meet on shared concepts even where the mined lexicon has
no pair for their words. Forms are compared on content terms (``pipeline.lexicon.terms``): Russian lemmas
exactly, Kyrgyz stems by a shared prefix (``ky_stems_match``), because Kyrgyz inflection and derivation
stack on the root («кагылыш» / «кагылышуусун»). A multiword form matches its terms in order, allowing one
extra word in between («антикоррупционная правовая экспертиза»).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from .agencies import registry
from .lexicon import terms

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "rules" / "glossary_ru_ky.yml"

MAX_GAP = 1
# words that only say «of the Kyrgyz Republic»: not what names a body in running text
STATE_WORDS = frozenset({"кыргызский", "республика", "кыргыз", "кр"})


def name_terms(name: str, lang: str) -> tuple[str, ...]:
    """A body's name (or alias) as the term sequence a text must contain to name it."""
    return tuple(x for x in terms(name or "", lang, min_len=2) if x not in STATE_WORDS)


@lru_cache(maxsize=1)
def _ky_rules() -> tuple[int, int, tuple[str, ...]]:
    data = yaml.safe_load(GLOSSARY.read_text(encoding="utf-8")) or {}
    r = data.get("ky_matching") or {}
    return int(r.get("min_prefix", 5)), int(r.get("max_extra", 4)), tuple(r.get("blocked_extensions") or ())


@lru_cache(maxsize=200_000)
def ky_stems_match(form: str, word: str) -> bool:
    """A glossary stem and a text stem name the same Kyrgyz word: equal, or one extends the other by a few
    letters that are not a meaning-changing derivation (rules in the glossary's ``ky_matching``)."""
    if form == word:
        return True
    min_prefix, max_extra, blocked = _ky_rules()
    short, long_ = (form, word) if len(form) <= len(word) else (word, form)
    if len(short) < min_prefix or not long_.startswith(short):
        return False
    extra = long_[len(short):]
    return len(extra) <= max_extra and not extra.startswith(blocked)


@dataclass(frozen=True)
class Form:
    token: str                 # concept token
    terms: tuple[str, ...]     # content terms of the form
    weight: float


@dataclass
class Glossary:
    forms: dict[str, dict[str, list[Form]]]    # lang → index key → forms starting there
    n_concepts: int

    @staticmethod
    def key(term: str, lang: str) -> str:
        return term[:3] if lang == "ky" else term

    def match(self, seq: list[str], lang: str) -> list[tuple[int, int, Form]]:
        """Occurrences (start, end, form) of glossary forms in a sequence of content terms."""
        index = self.forms.get(lang, {})
        eq = ky_stems_match if lang == "ky" else str.__eq__
        out = []
        for i, t in enumerate(seq):
            for f in index.get(self.key(t, lang), ()):
                if not eq(f.terms[0], t):
                    continue
                j, k = i + 1, 1
                while k < len(f.terms) and j < len(seq):
                    if eq(f.terms[k], seq[j]):
                        k += 1
                        j += 1
                    elif j + 1 < len(seq) and j - i < len(f.terms) + MAX_GAP and eq(f.terms[k], seq[j + 1]):
                        k += 1
                        j += 2
                    else:
                        break
                if k == len(f.terms):
                    out.append((i, j, f))
        return out

    def bag(self, text: str, lang: str, seq: list[str] | None = None) -> dict[str, float]:
        """Concept tokens of a text with counts scaled by the concept's weight (each concept counted once
        per place: a concept's several forms matching the same words do not add up)."""
        seq = seq if seq is not None else terms(text, lang, min_len=2)
        seen: set[tuple[int, str]] = set()
        out: dict[str, float] = defaultdict(float)
        for i, _, f in self.match(seq, lang):
            if (i, f.token) in seen:
                continue
            seen.add((i, f.token))
            out[f.token] += f.weight
        return dict(out)


def _forms_of(token: str, texts, lang: str, weight: float) -> list[Form]:
    out = []
    for text in texts or []:
        t = tuple(terms(str(text), lang, min_len=2))
        if t:
            out.append(Form(token, t, weight))
    return out


@lru_cache(maxsize=2)
def load(path: str | None = None, with_agencies: bool = True) -> Glossary:
    """The glossary (and the agency names) compiled to term sequences, indexed by first term."""
    data = yaml.safe_load(Path(path or GLOSSARY).read_text(encoding="utf-8")) or {}
    forms: dict[str, dict[str, list[Form]]] = {"ru": defaultdict(list), "ky": defaultdict(list)}
    n = 0
    for k, c in enumerate(data.get("concepts") or []):
        w = float(c.get("w", 1.0))
        for lang in ("ru", "ky"):
            for f in _forms_of(f"c:{k}", c.get(lang), lang, w):
                forms[lang][Glossary.key(f.terms[0], lang)].append(f)
        n += 1
    if with_agencies:
        for e in registry().entries:
            if e.kind == "generic":
                continue
            for lang in ("ru", "ky"):
                for name in (e.ru, e.ky, *e.aliases):
                    if not name:
                        continue
                    t = name_terms(name, lang)
                    if len(t) >= 1 and (len(t) > 1 or len(t[0]) >= 5):
                        f = Form(f"a:{e.id}", t, 0.7)
                        forms[lang][Glossary.key(t[0], lang)].append(f)
            n += 1
    # longest forms first, so the index lists the most specific reading of a place first
    for lang in forms:
        for k in forms[lang]:
            forms[lang][k].sort(key=lambda f: -len(f.terms))
        forms[lang] = dict(forms[lang])
    return Glossary(forms, n)
