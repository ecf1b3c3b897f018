"""Kyrgyz suffix stripper following morphotactic slots (case or attributive «-дагы» → possessive → plural), driven by
``rules/ky_suffixes.yml``. Shared by the factor analyzer (Kyrgyz patterns match on these stems) and
the search plugin (query-side expansion), so both see the same stems.

>>> ky_stem("Республикасынын")
'республика'
"""
from __future__ import annotations

from functools import lru_cache

from rules import load_yaml

_VOWELS = frozenset("аеёиоөуүыэюя")
_POSSESSIVE_VOWELS = frozenset("ыиуү")


def _fits(rest: str, after: str, t: "_Table") -> bool:
    if after == "plural":
        # a personal possessive follows a plural ending that the plural slot can take off in its turn
        # («милдеттер-им»), not letters that only look like one («кайтар-ым» has no plural in it)
        return _strip_one(rest, t.plural_slot, t) != rest
    last = rest[-1]
    if after == "vowel":
        return last in _VOWELS
    if after == "consonant":
        return last not in _VOWELS
    if after == "possessive_vowel":
        return last in _POSSESSIVE_VOWELS
    return True


def _harmonises(rest: str, end: str, t: "_Table") -> bool:
    harmony = t.harmony
    ending_vowel = next((c for c in end if c in _VOWELS), None)
    stem_vowel = "о" if rest.endswith(t.yo_stems) else next((c for c in reversed(rest) if c in _VOWELS), None)
    if ending_vowel is None or stem_vowel is None or ending_vowel not in harmony:
        return True
    return stem_vowel in harmony[ending_vowel]


class _Table:
    def __init__(self, spec: dict):
        self.min_stem = int(spec["min_stem"])
        self.short_stems = frozenset(spec.get("short_stems") or [])
        self.protected = tuple(spec.get("protected_stems") or [])
        self.keep_long_vowels = bool(spec.get("keep_long_vowels"))
        self.devoice = dict(spec.get("devoice_after_vowel_ending") or {})
        self.harmony = {v: frozenset(after) for v, after in (spec.get("vowel_harmony") or {}).items()}
        self.yo_stems = tuple(spec.get("yo_stems") or [])
        self.slots = []
        for slot in spec["slots"]:
            # longest ending first inside each slot, so «нын» is tried before «ны»
            pairs = [(e, g["after"]) for g in slot["groups"] for e in g["endings"]]
            self.slots.append(sorted(pairs, key=lambda p: len(p[0]), reverse=True))
        self.plural_slot = next(pairs for slot, pairs in zip(spec["slots"], self.slots) if slot["name"] == "plural")


@lru_cache(maxsize=1)
def _table() -> _Table:
    return _Table(load_yaml("ky_suffixes.yml"))


def _strip_one(w: str, endings, t: _Table) -> str:
    for end, after in endings:
        if not w.endswith(end) or len(w) == len(end):
            continue
        rest = w[: -len(end)]
        if len(rest) < t.min_stem and rest not in t.short_stems:
            continue
        if not _fits(rest, after, t):
            continue
        if any(w.startswith(p) and len(rest) < len(p) for p in t.protected):
            continue
        if t.keep_long_vowels and len(end) == 1 and rest.endswith(end):
            continue
        if not _harmonises(rest, end, t):
            continue
        if end[0] in _VOWELS and rest[-1] in t.devoice:
            rest = rest[:-1] + t.devoice[rest[-1]]
        return rest
    return w


@lru_cache(maxsize=200_000)
def ky_stem(word: str) -> str:
    """Lower-cased stem of one Kyrgyz word: at most one ending removed per slot, right to left."""
    t = _table()
    w = word.lower().replace("ё", "е")
    if not w.isalpha():
        return w
    for endings in t.slots:
        w = _strip_one(w, endings, t)
    return w
