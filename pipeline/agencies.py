"""Responsible executors of plan measures: splitting a cell into entries and resolving each to a body.

Resolution order: the plan's own abbreviation list («Кыскартуулардын тизмеси» / «Список сокращений»),
then the maintained registry ``rules/agencies.yml`` (abbreviations, names over the years, aliases and the
generic groups such as «мамлекеттик органдар», «ЖӨБО», «укук коргоо органдары»). Entries that resolve
through neither are kept with ``resolved=False`` so the plan can report them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from rules import load_yaml

_QUOTES = re.compile(r"[«»\"“”„'`]")
# Words that only say «of the Kyrgyz Republic»: dropped before comparing names.
_STATE_WORDS = re.compile(r"\b(кыргыз республикасынын|кыргызской республики|кр)\b")


def name_key(text: str) -> str:
    """Comparison key of an agency name or abbreviation: case, ё, quotes, spaces and «КР» ignored."""
    t = _QUOTES.sub("", (text or "").lower().replace("ё", "е").replace("\u00a0", " "))
    t = _STATE_WORDS.sub(" ", t)
    t = re.sub(r"\s*-\s*", "-", t)
    return re.sub(r"\s+", " ", t).strip(" .,;:")


@dataclass(frozen=True)
class RegistryEntry:
    id: str
    kind: str
    ru: str
    ky: str
    abbr: tuple[str, ...]
    aliases: tuple[str, ...]
    from_year: int | None = None
    to_year: int | None = None
    successor: str | None = None
    note: str = ""

    def name(self, language: str) -> str:
        return self.ky if language == "ky" else self.ru

    def to_row(self) -> dict:
        return {"id": self.id, "kind": self.kind, "name_ru": self.ru, "name_ky": self.ky,
                "abbr": list(self.abbr), "aliases": list(self.aliases), "from_year": self.from_year,
                "to_year": self.to_year, "successor_id": self.successor, "note": self.note}


class Registry:
    """rules/agencies.yml loaded, with one lookup over names, abbreviations and aliases."""

    def __init__(self, data: dict):
        self.entries: list[RegistryEntry] = []
        self._by_key: dict[str, RegistryEntry] = {}
        for raw in data["agencies"]:
            e = RegistryEntry(
                id=raw["id"], kind=raw["kind"], ru=raw["ru"], ky=raw["ky"],
                abbr=tuple(raw.get("abbr") or ()), aliases=tuple(raw.get("aliases") or ()),
                from_year=raw.get("from"), to_year=raw.get("to"), successor=raw.get("successor"),
                note=raw.get("note") or "",
            )
            self.entries.append(e)
            for form in (e.ru, e.ky, *e.abbr, *e.aliases):
                self._by_key.setdefault(name_key(form), e)
        self.markers = [m.lower() for m in data.get("by_agreement_markers") or []]

    def find(self, text: str) -> RegistryEntry | None:
        return self._by_key.get(name_key(text))

    def get(self, agency_id: str) -> RegistryEntry | None:
        return next((e for e in self.entries if e.id == agency_id), None)


@lru_cache(maxsize=1)
def registry() -> Registry:
    return Registry(load_yaml("agencies.yml"))


@lru_cache(maxsize=1)
def _flag_re() -> re.Pattern:
    alts = "|".join(r"\s+".join(map(re.escape, m.split())) for m in registry().markers)
    return re.compile(rf"\(\s*(?:{alts})\s*\)", re.I)


def split_responsible(raw: str) -> list[tuple[str, bool]]:
    """A responsible cell → [(entry as written, by_agreement)]. A flag standing alone after a comma
    («ЖӨБО, (макулдашуу боюнча)») belongs to the entry before it; text after a flag without a comma
    («ӨЭУ (макулдашуу боюнча) КК») is a new entry."""
    items: list[list] = []
    for segment in re.split(r"[,;\n]", raw or ""):
        pos = 0
        for m in _flag_re().finditer(segment):
            before = segment[pos:m.start()].strip(" .")
            if before:
                items.append([before, True])
            elif items:
                items[-1][1] = True
            pos = m.end()
        rest = segment[pos:].strip(" .")
        if rest:
            items.append([rest, False])
    return [(t, f) for t, f in items]


@dataclass
class Resolution:
    name: str | None
    agency_id: str | None
    via: str | None


class Resolver:
    """Resolves responsible entries for one plan: its own abbreviation list first, then the registry."""

    def __init__(self, abbreviations: dict[str, str], language: str, reg: Registry | None = None):
        self.registry = reg or registry()
        self.language = language
        self.plan = {name_key(a): (a, n) for a, n in abbreviations.items()}

    def agency_id_for(self, abbr: str, name: str | None = None) -> str | None:
        for text in (abbr, name):
            if text:
                e = self.registry.find(text)
                if e:
                    return e.id
        return None

    def resolve(self, text: str) -> Resolution | None:
        key = name_key(text)
        if not key:
            return None
        if key in self.plan:
            abbr, name = self.plan[key]
            entry = self.registry.find(abbr) or self.registry.find(name)
            if entry and entry.kind == "generic":
                name = entry.name(self.language)  # the plan's entry may be a definition, not a name
            return Resolution(name, entry.id if entry else None, "plan")
        entry = self.registry.find(text)
        if entry:
            return Resolution(entry.name(self.language), entry.id, "registry")
        return None

    def _decompose(self, text: str) -> list[str] | None:
        """«мамлекеттик органдар жана ЖӨБО», «Өкмөттүн Аппараты Өкмөттүн Аппараты» → known names."""
        for sep in (" жана ", " и "):
            if sep in text:
                parts = [p.strip() for p in text.split(sep)]
                if all(self.resolve(p) for p in parts):
                    return parts
        words = text.split()
        out, i = [], 0
        while i < len(words):
            for j in range(len(words), i, -1):
                if self.resolve(" ".join(words[i:j])):
                    out.append(" ".join(words[i:j]))
                    i = j
                    break
            else:
                return None
        return out if len(out) > 1 else None

    def resolve_cell(self, raw: str):
        """A responsible cell → list of AgencyRef (duplicates merged, order kept)."""
        from .plan import AgencyRef

        refs: list[AgencyRef] = []
        for text, flag in split_responsible(raw):
            parts = [text] if self.resolve(text) else (self._decompose(text) or [text])
            for k, part in enumerate(parts):
                # a flag after «A жана B (макулдашуу боюнча)» is written for the last of them
                part_flag = flag and k == len(parts) - 1
                res = self.resolve(part)
                same = next((r for r in refs if name_key(r.abbr) == name_key(part)), None)
                if same:
                    same.by_agreement = same.by_agreement or part_flag
                    continue
                refs.append(AgencyRef(
                    abbr=part, name=res.name if res else None, agency_id=res.agency_id if res else None,
                    by_agreement=part_flag, resolved=res is not None, via=res.via if res else None,
                ))
        return refs

    def share_resolved(self, raw: str) -> float:
        """Share of a cell's entries that resolve: tells a responsible cell from a sentence."""
        items = split_responsible(raw)
        if not items:
            return 0.0
        ok = sum(1 for t, _ in items if self.resolve(t) or self._decompose(t))
        return ok / len(items)
