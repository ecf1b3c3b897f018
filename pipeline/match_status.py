"""Implementation status of a report passage: done / in_progress / not_done / unclear.

The cues are data (``rules/status_cues.yml``): weighted regular expressions for Russian and Kyrgyz. Overlapping
cues of different statuses are resolved by the longest match («не проведен» beats «проведен»), overlapping cues of
one status count once; then the status with the highest total weight wins, ties going to the more cautious
status. What a draft means depends on the measure: cues marked ``draft`` (a draft prepared or submitted) read as
done for a measure whose output is the draft itself («разработать проект закона о …»), as in progress for one that
asks for the change (``draft_measures``).

Real passages mix the report with what surrounds it (``no_status``): cues inside a long quotation do not count;
sentences of how a system works or of earlier events count only where nothing else is reported; a closing sentence
of plans after work reported done does not undo it (cues marked ``plan``); a passage that states a measure's aim
needs a firm report to get a status.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

RULES = Path(__file__).resolve().parents[1] / "rules" / "status_cues.yml"
STATUSES = ("done", "in_progress", "not_done", "unclear")
# ties go to the more cautious reading
_CAUTION = {"not_done": 3, "in_progress": 2, "done": 1}
# the order a measure's passages are aggregated in (matching.md §5.4: done > in_progress > not_done)
AGGREGATE_ORDER = ("done", "in_progress", "not_done", "unclear")


@dataclass
class StatusResult:
    status: str
    scores: dict = field(default_factory=dict)
    cues: list = field(default_factory=list)   # [(status, matched text)]


@lru_cache(maxsize=4)
def _rules(path: str | None = None) -> dict:
    return yaml.safe_load(Path(path or RULES).read_text(encoding="utf-8"))


@lru_cache(maxsize=4)
def load_cues(path: str | None = None) -> dict[str, dict[str, list[tuple[re.Pattern, float, bool, bool]]]]:
    """{lang: {status: [(pattern, weight, is a draft-stage cue, is a plan cue)]}}."""
    data = _rules(path)
    out: dict = {}
    for status, by_lang in data["cues"].items():
        if status not in _CAUTION and status != "neutral":
            raise ValueError(f"{path or RULES}: unknown status {status!r}")
        for lang, cues in by_lang.items():
            out.setdefault(lang, {}).setdefault(status, [])
            for c in cues:
                out[lang][status].append((re.compile(c["re"], re.I | re.U), float(c.get("w", 1.0)),
                                          bool(c.get("draft")), bool(c.get("plan"))))
    return out


@lru_cache(maxsize=4)
def _draft_measure_patterns(path: str | None = None) -> list[re.Pattern]:
    return [re.compile(p, re.I | re.U) for pats in (_rules(path).get("draft_measures") or {}).values() for p in pats]


def asks_for_draft(measure_text: str) -> bool:
    """The measure's output is a draft act («… мыйзамдын долбоорун иштеп чыгуу», «разработать проект закона»)."""
    t = (measure_text or "").lower().replace("ё", "е")
    return any(p.search(t) for p in _draft_measure_patterns())


@lru_cache(maxsize=4)
def load_morphology(path: str | None = None) -> dict:
    """{kind: {"status", "w", "except": frozenset of lemmas}} of the Russian word-form cues."""
    morph = (_rules(path).get("morphology") or {}).get("ru") or {}
    for name, spec in morph.items():
        if spec["status"] not in _CAUTION:
            raise ValueError(f"{path or RULES}: morphology {name}: unknown status {spec['status']!r}")
    return {name: {**spec, "except": frozenset(spec.get("except") or ())} for name, spec in morph.items()}


_RU_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)?")
_KY_LETTER = re.compile(r"[ңөү]")


def _verb_form(tag, lemma: str) -> str | None:
    """The ``morphology`` kind of a Russian word form: a short passive past participle, a past verb by aspect, a
    present imperfective verb reflexive or (third person) active; None for any other form."""
    if "PRTS" in tag and "pssv" in tag and "past" in tag:
        return "short_passive_participle"
    if "VERB" not in tag:
        return None
    if "past" in tag:
        return "past_perfective" if "perf" in tag else "past_imperfective" if "impf" in tag else None
    if "pres" in tag and "impf" in tag:
        if lemma.endswith(("ся", "сь")):
            return "present_reflexive"
        return "present_active" if "3per" in tag else None
    return None


def _negated(spec: dict, present: bool) -> dict | None:
    """The status and weight of a cue after «не»: a negated present («сведения не проверяются», «семинары не
    проводятся») more often says how a thing works than that work failed, so it has its own, lighter weight where
    the rules give one."""
    return (spec.get("negated_present") if present else None) or spec.get("negated")


def _morphology_hits(text_n: str) -> list[tuple[int, int, str, float]]:
    """Russian status cues read off word forms (pymorphy3): short passive past participles and past verbs
    (perfective strongly, imperfective weakly) → done, present-tense reflexive and, weakly, active verbs → in
    progress, any of them after «не» → not done (rules and exceptions in ``morphology``)."""
    from .morph import ru_morph

    spec = load_morphology()
    if not spec:
        return []
    out = []
    prev, prev_end = "", -10
    for m in _RU_WORD.finditer(text_n):
        w = m.group(0)
        p = ru_morph().parse(w)[0]
        # only dictionary words: pymorphy guesses a verb for a Kyrgyz or foreign word («айыл» → «айыть»)
        kind = _verb_form(p.tag, p.normal_form) if p.is_known else None
        if kind in spec and p.normal_form not in spec[kind]["except"]:
            negated = prev == "не" and m.start() - prev_end <= 1
            neg = _negated(spec, kind.startswith("present"))
            if negated and neg:
                out.append((m.start() - 3, m.end(), neg["status"], float(neg["w"])))
            else:
                out.append((m.start(), m.end(), spec[kind]["status"], float(spec[kind]["w"])))
        prev, prev_end = w, m.end()
    return out


_SENTENCE = re.compile(r"[^.!?;]+(?:[.!?;]+|$)")
_QUOTE = re.compile(r"«[^«»]*»|\"[^\"]*\"|“[^“”]*”")


@lru_cache(maxsize=4)
def _no_status_rules(path: str | None = None) -> dict:
    spec = _rules(path).get("no_status") or {}

    def compiled(key: str) -> dict[str, list[re.Pattern]]:
        return {lang: [re.compile(p, re.I | re.U) for p in pats or ()] for lang, pats in (spec.get(key) or {}).items()}

    return {"quote_min_chars": int(spec.get("quote_min_chars") or 0),
            "aim_min_score": float(spec.get("aim_min_score") or 0),
            "aim": compiled("aim"), "sentence_beside_report": compiled("sentence_beside_report")}


def _silent_spans(text_n: str, lang: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of a passage that report no status (``no_status`` in the rules): long quotations; and, apart,
    sentences of how a system works or of earlier events, silent only beside a sentence that reports something."""
    spec = _no_status_rules()
    quotes = [(m.start(), m.end()) for m in _QUOTE.finditer(text_n)
              if spec["quote_min_chars"] and m.end() - m.start() >= spec["quote_min_chars"]]
    beside = [(m.start(), m.end()) for m in _SENTENCE.finditer(text_n)
              if any(p.search(m.group(0)) for p in spec["sentence_beside_report"].get(lang, ()))]
    return quotes, beside


def _inside(pos: int, spans: list[tuple[int, int]]) -> bool:
    return any(s <= pos < e for s, e in spans)


def _drop_next_steps(text_n: str, kept: list, plans: set) -> list:
    """Plan cues of a sentence that states only next steps, after a sentence that reports work done («Семинар
    проведен. В дальнейшем планируется …»): what comes next does not undo what was done."""
    sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text_n)]
    done_seen, drop = False, set()
    for a, b in sentences:
        here = [k for k in kept if a <= k[0] < b and k[2] != "neutral"]
        if done_seen and here and all((k[0], k[1]) in plans for k in here):
            drop.update((k[0], k[1]) for k in here)
        done_seen = done_seen or any(k[2] == "done" for k in here)
    return [k for k in kept if (k[0], k[1]) not in drop]


def classify_status(text: str, lang: str = "ru", measure_text: str = "") -> StatusResult:
    """Status of one passage from its cues. Both languages' cues run (reports mix them), the passage's own first.
    ``measure_text`` is the matched measure's: a draft reported for a measure that asks for a draft is done."""
    cues = load_cues()
    draft_done = asks_for_draft(measure_text)
    text_n = text.lower().replace("ё", "е")
    hits: list[tuple[int, int, str, float]] = []
    plans: set[tuple[int, int]] = set()
    langs = [lang] + [l for l in cues if l != lang]
    for l in langs:
        for status, patterns in cues.get(l, {}).items():
            for pat, w, draft, plan in patterns:
                for m in pat.finditer(text_n):
                    # Kyrgyz cues read endings («-ды», «-ту»): in a Russian passage only words with a Kyrgyz
                    # letter count («году.», «президенту.» end like a Kyrgyz past verb)
                    if m.end() > m.start() and (l != "ky" or lang == "ky" or _KY_LETTER.search(m.group(0))):
                        st = "done" if draft and draft_done else status
                        # a listed Russian stage after «не» («семинары не проводятся») is work not carried out,
                        # weighed as the morphology weighs a negated present (the not-done cues list the negated
                        # results themselves: «не принят»)
                        if l == "ru" and st == "in_progress" and text_n[max(0, m.start() - 3):m.start()] == "не ":
                            neg = _negated(load_morphology(), present=True)
                            if neg:
                                hits.append((m.start() - 3, m.end(), neg["status"], float(neg["w"])))
                                continue
                        hits.append((m.start(), m.end(), st, w))
                        if plan:
                            plans.add((m.start(), m.end()))
    # longest match wins where cues of different statuses overlap; on the same words the heavier (more
    # specific) cue wins («токтотулду» listed as not done over the generic past passive)
    hits.sort(key=lambda h: (-(h[1] - h[0]), -h[3], h[0]))
    kept: list[tuple[int, int, str, float]] = []
    for h in hits:
        if any(h[0] < k[1] and k[0] < h[1] and k[2] != h[2] for k in kept):
            continue
        if any(h[0] == k[0] and h[1] == k[1] for k in kept):
            continue  # the same words counted once
        kept.append(h)
    # word forms count only where no listed cue already read those words (the list is more specific)
    if re.search(r"[а-яё]", text_n) and lang == "ru":
        for h in _morphology_hits(text_n):
            if not any(h[0] < k[1] and k[0] < h[1] for k in kept):
                kept.append(h)
    # cues inside a quotation report what someone said; a sentence of a system's working or of earlier events
    # reports nothing beside one that reports the work
    quotes, beside = _silent_spans(text_n, lang)
    kept = [k for k in kept if not _inside(k[0], quotes)]
    if any(k[2] != "neutral" and not _inside(k[0], beside) for k in kept):
        kept = [k for k in kept if not _inside(k[0], beside)]
    kept = _drop_next_steps(text_n, kept, plans)
    # `neutral` cues only hold their words («направлено на повышение …» states an aim, not a result)
    kept = [k for k in kept if k[2] != "neutral"]
    scores = {s: 0.0 for s in _CAUTION}
    # overlapping cues of one status say one thing once, at the heavier weight («ещё не приняты» is not «ещё не»
    # plus «не приняты»; «разработан проект постановления» is one draft)
    group, group_end, group_w = None, -1, 0.0
    for start, stop, status, w in sorted(kept, key=lambda k: (k[2], k[0])):
        if status == group and start < group_end:   # overlaps the group: only a heavier cue adds its surplus
            scores[status] += max(0.0, w - group_w)
            group_w, group_end = max(group_w, w), max(group_end, stop)
        else:
            scores[status] += w
            group, group_end, group_w = status, stop, w
    best = max(scores, key=lambda s: (scores[s], _CAUTION[s]))
    status = best if scores[best] > 0 else "unclear"
    # a passage about a measure's aim needs a firm report to have a status
    aims = _no_status_rules()
    if scores[best] < aims["aim_min_score"] and any(p.search(text_n) for p in aims["aim"].get(lang, ())):
        status = "unclear"
    return StatusResult(status, scores, [(k[2], text[k[0]:k[1]]) for k in sorted(kept)])


def aggregate_status(statuses) -> str:
    """A measure's latest reported status over its passages: done > in_progress > not_done > unclear."""
    present = set(statuses)
    for s in AGGREGATE_ORDER:
        if s in present:
            return s
    return "unclear"
