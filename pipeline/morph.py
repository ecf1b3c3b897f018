"""The one Russian morphological analyzer (pymorphy3) of a process: its dictionaries take a while to load and
some tens of megabytes, so the analyzer, the lexicon, the matcher and the search plugin share it."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def ru_morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")
