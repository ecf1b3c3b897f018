"""Anti-corruption action plans: tables of sections, tasks, measures, deadlines, agencies and indicators.

Entry points: :func:`parse_plan` (file → :class:`Plan`) and :func:`store_plan` (Plan → corpus DB, one
transaction). The data classes below are the contract other stages (the matcher, monitoring) read.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Deadline:
    """A deadline cell normalised; ``end`` (``YYYY-MM``) is the due date monitoring compares with."""

    raw: str
    kind: str = "unknown"  # month | half_year | quarter | year | range | continuous | by_calendar | unknown
    start: str | None = None  # "YYYY-MM"
    end: str | None = None  # "YYYY-MM"
    recurring: str | None = None  # None | "quarterly" | "semiannual" | "annual"

    def to_dict(self) -> dict:
        return {"raw": self.raw, "kind": self.kind, "start": self.start, "end": self.end,
                "recurring": self.recurring}


@dataclass
class AgencyRef:
    """One entry of a measure's «responsible executors» cell."""

    abbr: str  # as written in the plan, flag removed («ЮМ», «Башкы прокуратура»)
    name: str | None  # full name from the plan's abbreviation list or the registry
    agency_id: str | None  # id in rules/agencies.yml, when the body is known there
    by_agreement: bool = False  # «(макулдашуу боюнча)» / «(по согласованию)»
    resolved: bool = False
    via: str | None = None  # "plan" (the plan's own list) | "registry" (rules/agencies.yml) | None

    def to_dict(self) -> dict:
        return {"abbr": self.abbr, "name": self.name, "agency_id": self.agency_id,
                "by_agreement": self.by_agreement, "resolved": self.resolved, "via": self.via}


@dataclass
class Measure:
    """One measure of a plan. ``ref`` is ``"T"`` (task without numbered measures) or ``"T.M"``."""

    ref: str
    section: str  # Roman numeral of the section, e.g. "V"
    task: int
    task_title: str
    text: str
    number: int | None = None  # M of T.M; None for a task's single unnumbered measure
    deadline: Deadline = field(default_factory=lambda: Deadline(""))
    agencies: list[AgencyRef] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    indicators: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # «(*) Маалымат берүү тартибинде отчет»
    # Fields taken from an earlier row of the same task because the table cell spans several rows.
    inherited: list[str] = field(default_factory=list)
    source: str = ""  # where in the input: "line 115" or "table 1 row 7"

    def to_dict(self) -> dict:
        return {
            "ref": self.ref, "section": self.section, "task": self.task, "task_title": self.task_title,
            "number": self.number, "text": self.text, "deadline": self.deadline.to_dict(),
            "agencies": [a.to_dict() for a in self.agencies], "results": list(self.results),
            "indicators": list(self.indicators), "notes": list(self.notes),
            "inherited": list(self.inherited), "source": self.source,
        }


@dataclass
class Section:
    number: str  # Roman numeral
    title: str

    def to_dict(self) -> dict:
        return {"number": self.number, "title": self.title}


@dataclass
class Task:
    number: int
    section: str
    title: str

    def to_dict(self) -> dict:
        return {"number": self.number, "section": self.section, "title": self.title}


@dataclass
class Abbreviation:
    """One entry of the plan's own «Кыскартуулардын тизмеси» / «Список сокращений»."""

    abbr: str
    name: str
    agency_id: str | None = None

    def to_dict(self) -> dict:
        return {"abbr": self.abbr, "name": self.name, "agency_id": self.agency_id}


@dataclass
class Plan:
    path: str
    sha256: str
    format: str  # txt | html | docx
    language: str  # ky | ru
    title: str = ""
    act_type: str = ""
    act_number: str = ""
    act_date: str = ""  # ISO date of the approving act
    period_start: str | None = None  # "YYYY-MM" of the plan's period
    period_end: str | None = None
    made_up: bool = False
    sections: list[Section] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    abbreviations: list[Abbreviation] = field(default_factory=list)
    # Responsible entries that resolved neither through the plan's list nor the registry: {"ref", "abbr"}.
    unresolved: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        """Same convention as ``Document.id`` (first 16 hex digits of the file's sha256)."""
        return self.sha256[:16]

    def measure(self, ref: str) -> Measure:
        for m in self.measures:
            if m.ref == ref:
                return m
        raise KeyError(ref)

    def to_dict(self) -> dict:
        return {
            "plan": {
                "id": self.id, "path": self.path, "sha256": self.sha256, "format": self.format,
                "language": self.language, "title": self.title, "act_type": self.act_type,
                "act_number": self.act_number, "act_date": self.act_date,
                "period_start": self.period_start, "period_end": self.period_end,
                "made_up": self.made_up,
                "n_sections": len(self.sections), "n_tasks": len(self.tasks),
                "n_measures": len(self.measures),
            },
            "sections": [s.to_dict() for s in self.sections],
            "tasks": [t.to_dict() for t in self.tasks],
            "measures": [m.to_dict() for m in self.measures],
            "abbreviations": [a.to_dict() for a in self.abbreviations],
            "unresolved": list(self.unresolved),
        }


def parse_plan(path) -> Plan:
    """Read a plan (flattened text, HTML table or DOCX table) into sections, tasks and measures."""
    raise NotImplementedError("being written (issue 3)")


def store_plan(db, plan: Plan) -> str:
    """Write the plan, its measures and agency links into the corpus DB in one transaction."""
    raise NotImplementedError("being written (issue 3)")
