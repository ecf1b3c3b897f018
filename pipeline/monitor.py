"""Coverage of an action plan by the reports matched to it (`taraza monitor`): per measure and per agency.

Evidence is a rank-1 match of a report passage to a measure. The same report often comes twice (the DOCX an
agency sent and a TXT or PDF copy of it), so a measure's evidence counts distinct passage texts, not rows.
Per agency, what a body reported itself is kept apart from what others (a co-responsible body, an NGO)
reported on the measures it shares: an NGO reads this table to see who did not report. Per measure, what
reports by no accountable body (an NGO's alternative report, a report without a stated author) say is kept
beside the bodies' own word, and a measure where the two disagree is marked disputed: that disagreement is
what an alternative report is written about.
"""
from __future__ import annotations

import json
from collections import defaultdict

from .agencies import registry
from .match_status import aggregate_status

# Order of the measure flags: what needs attention first.
FLAGS = ("overdue_no_report", "overdue_not_done", "no_report", "reported")
# The terminal table's words for the flags and statuses (machine output, --json and the database, keeps the codes).
FLAG_RU = {"overdue_no_report": "срок прошёл, отчёта нет", "overdue_not_done": "срок прошёл, не выполнено",
           "no_report": "отчёта нет", "reported": "есть отчёт"}
STATUS_RU = {"done": "выполнено", "in_progress": "в процессе", "not_done": "не выполнено", "unclear": "неясно"}


def passage_key(text: str | None) -> str:
    """Two copies of one passage (DOCX and TXT of the same report) compare equal."""
    return " ".join((text or "").lower().split())


def not_accountable_kinds() -> set[str]:
    from rules import load_yaml

    return set(load_yaml("agencies.yml").get("not_accountable_kinds") or [])


def accountable(agency_id: str | None) -> bool:
    """A body per-agency monitoring can hold to account: in the registry, and not a group, an NGO or an
    international organisation (rules/agencies.yml, not_accountable_kinds)."""
    entry = registry().get(agency_id) if agency_id else None
    return entry is not None and entry.kind not in not_accountable_kinds()


def _evidence(db, plan_id: str) -> dict[str, list[dict]]:
    """Rank-1 matches per measure ref, with the passage text and the reporting bodies' ids."""
    ev: dict[str, list[dict]] = defaultdict(list)
    for row in db.query(
            "select m.ref, m.status, m.report_date, m.agency_ids, m.report_id, m.passage_id, p.text "
            "from matches m left join passages p on p.id = m.passage_id where m.plan_id = ? and m.rank = 1",
            [plan_id]):
        row["agencies"] = json.loads(row["agency_ids"] or "[]")
        row["key"] = passage_key(row["text"]) or row["passage_id"]
        ev[row["ref"]].append(row)
    return ev


def _latest_status(items: list[dict]) -> tuple[str, str]:
    if not items:
        return "", ""
    latest_date = max(it["report_date"] or "" for it in items)
    return latest_date, aggregate_status([it["status"] for it in items if (it["report_date"] or "") == latest_date])


def _by_accountable_author(items: list[dict]) -> tuple[list[dict], list[dict]]:
    """The passages of reports by an accountable body, and the others (NGOs, international bodies, no author)."""
    own = [it for it in items if any(accountable(a) for a in it["agencies"])]
    return own, [it for it in items if it not in own]


def disputed(official: str, civil: str) -> bool:
    """The bodies' latest word and an NGO's latest word on a measure are both a definite status and differ."""
    definite = ("done", "in_progress", "not_done")
    return official in definite and civil in definite and official != civil


def compute_coverage(db, plan, as_of: str) -> list[dict]:
    """Per-measure and per-agency coverage of a plan from the matches in the database. Writes measure_coverage
    and agency_coverage; returns the measure rows in the order of :data:`FLAGS`, then plan order."""
    from corpus import dumps

    pid = plan.id
    ev = _evidence(db, pid)
    figs: dict[str, set[str]] = defaultdict(set)
    for row in db.query(
            "select m.ref, f.value from matches m join figures f on f.passage_id = m.passage_id "
            "where m.plan_id = ? and m.rank = 1", [pid]):
        figs[row["ref"]].add(row["value"])
    as_of_month = as_of[:7]
    reg = registry()
    rows = []
    for k, m in enumerate(plan.measures, 1):
        items = ev.get(m.ref, [])
        responsible = [a.agency_id or a.abbr for a in m.agencies]
        # A body the plan names is shown as the plan writes it, in both columns; another body by its registry name.
        written = {a.agency_id: a.abbr for a in m.agencies if a.agency_id}
        reporting: list[str] = []
        for it in items:
            for a in it["agencies"]:
                if a not in reporting:
                    reporting.append(a)
        reporting_names = [written.get(a) or (reg.get(a).name(plan.language) if reg.get(a) else a) for a in reporting]
        latest_date, latest_status = _latest_status(items)
        official, civil = (_latest_status(part)[1] for part in _by_accountable_author(items))
        end = m.deadline.end or (m.deadline.start if m.deadline.start else None)
        past = bool(end) and end < as_of_month and not m.deadline.recurring
        if not items:
            flag = "overdue_no_report" if past else "no_report"
        else:
            flag = "overdue_not_done" if past and latest_status == "not_done" else "reported"
        rows.append({
            "measure_id": f"{pid}:{m.ref}", "plan_id": pid, "ref": m.ref, "ordinal": k, "text": m.text,
            "deadline_raw": m.deadline.raw, "deadline_end": end or "", "past_deadline": int(past),
            "responsible": dumps(responsible), "responsible_text": ", ".join(a.abbr for a in m.agencies),
            "reporting": dumps(reporting), "reporting_text": ", ".join(reporting_names),
            "latest_status": latest_status, "latest_report_date": latest_date,
            "civil_status": civil, "disputed": int(disputed(official, civil)),
            "evidence": len({it["key"] for it in items}),
            "figures": dumps(sorted(figs.get(m.ref, ()))), "flag": flag, "as_of": as_of,
        })
    rows.sort(key=lambda r: (FLAGS.index(r["flag"]), r["ordinal"]))
    agencies = agency_coverage(plan, rows, ev)
    with db.conn:
        db.execute("delete from measure_coverage where plan_id = ?", [pid])
        db.execute("delete from agency_coverage where plan_id = ?", [pid])
        db["measure_coverage"].insert_all(rows)
        if agencies:
            db["agency_coverage"].insert_all(agencies)
    return rows


def agency_coverage(plan, rows: list[dict], ev: dict[str, list[dict]]) -> list[dict]:
    """Per accountable body the plan makes responsible: the measures it reported on in its own reports, those
    only others reported on, those nobody reported on, and its own passages."""
    by_ref = {r["ref"]: r for r in rows}
    out: dict[str, dict] = {}
    own_passages: dict[str, set[str]] = defaultdict(set)
    for items in ev.values():
        for it in items:
            for a in it["agencies"]:
                own_passages[a].add(it["key"])
    for m in plan.measures:
        r = by_ref[m.ref]
        items = ev.get(m.ref, [])
        for a in m.agencies:
            if not accountable(a.agency_id) or a.agency_id in out and m.ref in out[a.agency_id]["_refs"]:
                continue
            d = out.setdefault(a.agency_id, {
                "plan_id": plan.id, "agency_id": a.agency_id, "agency": a.name or a.abbr, "measures": 0,
                "reported": 0, "reported_by_others": 0, "not_reported": 0, "done": 0, "in_progress": 0,
                "not_done": 0, "overdue_no_report": 0, "passages_reported": 0, "_refs": set()})
            d["_refs"].add(m.ref)
            own = [it for it in items if a.agency_id in it["agencies"]]
            if own:
                d["reported"] += 1
                status = _latest_status(own)[1]
                if status in ("done", "in_progress", "not_done"):
                    d[status] += 1
            elif items:
                d["reported_by_others"] += 1
            else:
                d["not_reported"] += 1
            d["overdue_no_report"] += bool(r["past_deadline"]) and not own
    for key, d in out.items():
        d["measures"] = len(d.pop("_refs"))
        d["passages_reported"] = len(own_passages.get(key, ()))
    return list(out.values())
