"""Action plans (pipeline/plan.py): the real 2015–2017 plan (Resolution No. 170, Kyrgyz, flattened table),
a MADE-UP Russian plan as Word HTML and as DOCX, broken layouts, and the corpus DB tables.

The expected values below were checked by hand against ../shared/seeds/plan-2015-2017-resolution-170.ky.txt
(line numbers are the file's own, blank lines included).
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from conftest import ROOT, SEED_PLAN
from pipeline.document import TarazaError
from pipeline.plan import parse_plan, split_results, store_plan

FIXTURE_HTML = ROOT / "tests" / "fixtures" / "made-up-plan-2025.ru.html"

# measures per task, counted by hand: numbered «1)», «2)» …; 1 for a task without numbered measures
MEASURES_PER_TASK = {1: 4, 2: 3, 3: 1, 4: 2, 5: 3, 6: 1, 7: 4, 8: 2, 9: 2, 10: 3, 11: 1, 12: 1, 13: 1, 14: 4,
                     15: 4, 16: 1, 17: 1, 18: 4, 19: 3, 20: 4, 21: 4, 22: 3, 23: 3, 24: 3, 25: 2, 26: 6, 27: 6,
                     28: 6, 29: 7, 30: 1, 31: 1, 32: 2, 33: 2, 34: 4, 35: 1, 36: 2, 37: 4}
TASKS_PER_SECTION = {"I": [1, 2, 3, 4, 5], "II": [6, 7, 8, 9, 10, 11, 12, 13], "III": [14], "IV": [15],
                     "V": [16, 17], "VI": [18], "VII": [19, 20, 21], "VIII": [22, 23, 24, 25, 26],
                     "IX": [27, 28], "X": [29, 30, 31, 32, 33], "XI": [34, 35], "XII": [36, 37]}


@pytest.fixture(scope="module")
def seed(shared):
    return parse_plan(SEED_PLAN)


def agencies(m):
    return [(a.abbr, a.by_agreement) for a in m.agencies]


def deadline(m):
    d = m.deadline
    return (d.kind, d.start, d.end, d.recurring)


# ----------------------------------------------------------------------------------------------- counts

def test_seed_counts(seed):
    assert [s.number for s in seed.sections] == list(TASKS_PER_SECTION)
    assert len(seed.tasks) == 37
    assert {s: [t.number for t in seed.tasks if t.section == s] for s in TASKS_PER_SECTION} == TASKS_PER_SECTION
    per_task = {}
    for m in seed.measures:
        per_task[m.task] = per_task.get(m.task, 0) + 1
    assert per_task == MEASURES_PER_TASK
    assert len(seed.measures) == 106
    assert sum(1 for m in seed.measures if m.number is not None) == 96
    unnumbered = [m.ref for m in seed.measures if m.number is None]
    assert unnumbered == ["3", "6", "11", "12", "13", "16", "17", "30", "31", "35"]
    assert [m.ref for m in seed.measures if m.task == 29] == [f"29.{i}" for i in range(1, 8)]


def test_seed_metadata(seed):
    assert seed.language == "ky"
    assert (seed.act_type, seed.act_number, seed.act_date) == ("токтом", "170", "2015-03-30")
    assert (seed.period_start, seed.period_end) == ("2015-01", "2017-12")
    assert seed.sections[9].title.startswith("Мамлекеттик жана муниципалдык кызматта жогорку этикалык")
    assert len(seed.id) == 16 and not seed.made_up


def test_seed_task_titles(seed):
    titles = {t.number: t.title for t in seed.tasks}
    # task 34's title starts with a stray «1.» in the plan: it is not part of the title
    assert titles[34].startswith("Мамлекеттик сатып алууларга жооп берген негизги органды")
    assert titles[1] == ("Саясий партиялардын ишин каржылоонун жана материалдык камсыздоонун ачык-айкындуулугун "
                         "камсыз кылуу (шайлоолор менен байланышпаган)")
    assert titles[36].startswith("Кызматташуунун туруктуу түрлөрүн")  # written «36 » with a trailing space


# ---------------------------------------------------------------------- a dozen measures, field by field

def test_measure_1_2_own_row(seed):
    m = seed.measure("1.2")
    assert m.section == "I" and m.text.startswith("саясий партияларды каржылоого мониторинг жүргүзүү")
    assert deadline(m) == ("continuous", None, None, "annual") and m.deadline.raw == "жыл сайын"
    assert agencies(m) == [("БШК", True), ("МСК", False), ("Финчалгын", False)]
    assert m.results == ["Саясий партияларды каржылоону контролдоо"]
    assert m.indicators == ["саясий партияларды каржылоодо аныкталган тартип бузуу фактылары"]


def test_measure_1_4_two_result_paragraphs(seed):
    m = seed.measure("1.4")
    assert deadline(m) == ("month", "2015-07", "2015-07", None)
    assert agencies(m) == [("ЮМ", False)]
    assert len(m.results) == 2 and m.results[0].endswith("сунуштамалар берилди.")
    assert m.indicators == ["жүргүзүлгөн таасир этүү чараларынын саны, аныкталган фактылар жана көрүлгөн чаралар"]


def test_measures_2_1_to_2_3_share_one_row(seed):
    rows = [seed.measure(f"2.{i}") for i in (1, 2, 3)]
    for m in rows:
        assert deadline(m) == ("month", "2015-09", "2015-09", None)
        assert agencies(m) == [("БШК", True), ("ЮМ", False)]
        assert m.indicators == ["отчеттордун саны жана көрүлгөн чаралар"]
        assert m.inherited == []
    assert rows[2].text.startswith("Коомдук кызматтарга дайындоодо")


def test_measure_4_2_without_deadline_line_takes_the_merged_cell_above(seed):
    m = seed.measure("4.2")
    assert agencies(m) == [("ЮМ", False), ("Башкы прокуратура", True)]
    assert m.deadline.raw == "2016-жылдын декабры" and m.deadline.end == "2016-12"
    assert m.inherited == ["deadline", "results"]
    assert m.results == seed.measure("4.1").results


def test_measure_6_unnumbered_with_unknown_abbreviation(seed):
    m = seed.measure("6")
    assert m.section == "II" and m.number is None
    assert m.deadline.raw == "Иштеп чыгуу жана КР Жогорку Кеңешине киргизүү, 2015-жылдын октябры"
    assert deadline(m) == ("month", "2015-10", "2015-10", None)
    assert agencies(m) == [("АКК", False), ("ЮМ", False), ("Башкы прокуратура", True)]
    assert [a.resolved for a in m.agencies] == [False, True, True]


def test_measure_8_1_quarterly_updates_and_generic_agencies(seed):
    m = seed.measure("8.1")
    assert deadline(m) == ("month", "2015-12", "2015-12", "quarterly")
    assert agencies(m) == [("ИИМ", False), ("Башкы прокуратура", True), ("укук коргоо органдары", False)]
    assert [a.agency_id for a in m.agencies] == ["mia", "prosecutor-general", "law-enforcement"]
    assert m.indicators == ["жүргүзүлгөн иш-чаралардын саны"]


def test_measure_13_range_and_flag_absent(seed):
    m = seed.measure("13")
    assert m.text.count("\n- ") == 3  # the three «-» sub-items stay in the measure
    assert deadline(m) == ("range", "2015-06", "2016-12", None)
    # «Башкы прокуратура» is written here without «(макулдашуу боюнча)»
    assert agencies(m) == [("ЮМ", False), ("Башкы прокуратура", False), ("мамлекеттик органдар", False)]
    assert m.results == ["Ченемдик укуктук актылар БУУнын коррупцияга каршы конвенциясына шайкеш келтирилди"]


def test_measure_14_4_report_note(seed):
    m = seed.measure("14.4")
    assert m.section == "III"
    assert deadline(m) == ("month", "2015-12", "2015-12", "semiannual")
    assert agencies(m) == [("Жогорку сот", True), ("Соттор Кеңеши", True)]
    assert m.notes == ["(*) Маалымат берүү тартибинде отчет"]
    assert len(m.indicators) == 3 and m.indicators[1] == "соттук иштерди автоматтык түрдө бөлүштүрүү программасы инсталяцияланды"


def test_measure_15_3_section_iv(seed):
    m = seed.measure("15.3")
    assert m.section == "IV" and "пилоттук долбоорлор" in m.text
    assert deadline(m) == ("month", "2015-12", "2015-12", None)
    assert agencies(m) == [("Өкмөттүн Аппараты", False), ("мамлекеттик органдар", False), ("ЖӨБО", True)]
    assert m.results == ["Коррупциялык зоналардын жана коркунучтардын тизмеси бекитилди"] and m.indicators == []


def test_measure_20_4_stray_flags(seed):
    # «ЮМ, мамлекеттик органдар жана ЖӨБО (макулдашуу боюнча), ӨЭУ (макулдашуу боюнча) КК, (макулдашуу боюнча)»
    m = seed.measure("20.4")
    assert m.section == "VII"
    assert agencies(m) == [("ЮМ", False), ("мамлекеттик органдар", False), ("ЖӨБО", True), ("ӨЭУ", True),
                           ("КК", True)]
    assert m.indicators == ["формалар жана жетишкендиктер"]


def test_measure_22_3_continuous(seed):
    m = seed.measure("22.3")
    assert m.section == "VIII" and deadline(m) == ("continuous", None, None, None)
    assert ("ЭМ", False) in agencies(m) and ("ЖӨБО", True) in agencies(m)
    assert next(a for a in m.agencies if a.abbr == "ЭМ").agency_id == "mineconomy"


def test_measure_26_6_from_december_then_continuous(seed):
    m = seed.measure("26.6")
    assert deadline(m) == ("continuous", "2016-12", "2016-12", None)
    assert m.deadline.raw == "2016-жылдын декабры - дайыма"
    assert len(m.indicators) == 3


def test_measure_27_3_duplicate_agency_written_twice(seed):
    m = seed.measure("27.3")
    assert m.section == "IX" and deadline(m) == ("month", "2016-06", "2016-06", None)
    # «Мамбашкаруу академиясы (макулдашуу боюнча), Өкмөттүн Аппараты Өкмөттүн Аппараты, БИМ»
    assert agencies(m) == [("Мамбашкаруу академиясы", True), ("Өкмөттүн Аппараты", False), ("БИМ", False)]


def test_measure_27_5_semiannual(seed):
    m = seed.measure("27.5")
    assert deadline(m) == ("month", "2015-06", "2015-06", "semiannual")
    assert agencies(m) == [("БИМ", False), ("КТРК", True), ("мамлекеттик органдар", False)]
    assert m.results == ["Калктын жүргүзүлүп жаткан иштер тууралуу маалымдуулугу"]


def test_measure_29_3_empty_deadline_cell(seed):
    m = seed.measure("29.3")
    assert m.section == "X"
    assert m.deadline.raw == "" and m.deadline.kind == "unknown"
    assert agencies(m) == [("Өкмөттүн Аппараты", False), ("Кадр кызматы", False),
                           ("мамлекеттик органдардын АСБ кызматтары", False)]
    assert m.inherited == ["results"] and m.results == ["Ротациялар жүргүзүлдү"]
    assert seed.measure("29.1").agencies[0].abbr == "Кадр кызматы"


def test_measure_33_1_half_year(seed):
    m = seed.measure("33.1")
    assert deadline(m) == ("half_year", "2015-01", "2015-06", None)
    assert agencies(m) == [("Кадр кызматы", True), ("мамлекеттик органдар", False), ("ЖӨБО", True), ("КК", True)]
    m2 = seed.measure("33.2")
    assert agencies(m2) == [("Башкы прокуратура", True), ("укук коргоо жана контролдоо органдары", False)]
    assert m2.deadline.end == "2015-06" and "deadline" in m2.inherited


def test_measure_35_section_xi(seed):
    m = seed.measure("35")
    assert m.section == "XI"
    assert deadline(m) == ("half_year", "2015-01", "2015-06", "quarterly")
    assert agencies(m) == [("МФ", False), ("мамлекеттик органдар", False), ("ЖӨБО", True)]
    assert m.agencies[0].agency_id == "minfin" and m.agencies[0].via == "registry"
    assert m.indicators == []


def test_measure_37_4_by_calendar(seed):
    m = seed.measure("37.4")
    assert m.section == "XII"
    assert deadline(m) == ("by_calendar", "2015-01", "2017-12", None)
    assert len(m.agencies) == 6 and all(a.resolved for a in m.agencies)


# ------------------------------------------------------------------------------------------ agencies

def test_abbreviation_list(seed):
    abbrs = {a.abbr: a for a in seed.abbreviations}
    assert len(seed.abbreviations) == 64
    assert seed.abbreviations[0].abbr == "ККК" and seed.abbreviations[-1].abbr == "ЮНСИТРАЛ"
    # the entry after the removed «(43-абзац ... күчүн жоготту)» keeps its pairing
    assert abbrs["ЭӨМ"].name == "Кыргыз Республикасынын Энергетика жана өнөр жай министрлиги"
    assert not any("күчүн жоготту" in a.abbr or "күчүн жоготту" in a.name for a in seed.abbreviations)
    assert abbrs["ЮМ"].agency_id == "minjust" and abbrs["МСК"].agency_id == "tax-service"


def test_every_responsible_entry_resolves_or_is_reported(seed):
    reported = {(u["ref"], u["abbr"]) for u in seed.unresolved}
    for m in seed.measures:
        assert m.agencies, m.ref
        for a in m.agencies:
            assert a.resolved == ((m.ref, a.abbr) not in reported)
            if a.resolved:
                assert a.name and a.via in ("plan", "registry")
    assert sorted(reported) == [("29.3", "мамлекеттик органдардын АСБ кызматтары"),
                                ("29.4", "мамлекеттик органдардын АСБ кызматтары"),
                                ("29.5", "мамлекеттик органдардын АСБ кызматтары"),
                                ("29.6", "мамлекеттик органдардын АСБ кызматтары"),
                                ("29.7", "мамлекеттик органдардын АСБ кызматтары"),
                                ("6", "АКК")]
    via = {a.via for m in seed.measures for a in m.agencies}
    assert via == {"plan", "registry", None}
    # the abbreviations the plan's own list defines resolve through it
    for m in seed.measures:
        for a in m.agencies:
            if a.abbr in ("ЮМ", "МСК", "Өкмөттүн Аппараты", "ЖӨБО", "Финчалгын"):
                assert a.via == "plan"


def test_split_results():
    assert split_results(["A; B/c; d/e"]) == (["A", "B"], ["c", "d", "e"])
    assert split_results(["бир жана/же эки"]) == (["бир жана/же эки"], [])
    assert split_results(["A/B"], combined=False) == (["A/B"], [])


# ------------------------------------------------------------------------------------------------ CLI

def test_cli_parse_json(shared):
    from pipeline.cli import main

    res = CliRunner().invoke(main, ["plan", "parse", str(SEED_PLAN), "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert set(out) >= {"plan", "sections", "tasks", "measures", "unresolved"}
    assert out["plan"]["n_measures"] == 106
    m = next(x for x in out["measures"] if x["ref"] == "27.3")
    assert m["section"] == "IX" and m["task"] == 27 and isinstance(m["ref"], str)
    assert set(m) >= {"ref", "section", "task", "task_title", "text", "deadline", "agencies", "results", "indicators"}
    assert set(m["deadline"]) == {"raw", "kind", "start", "end", "recurring"}
    assert set(m["agencies"][0]) >= {"abbr", "name", "agency_id", "by_agreement", "resolved"}
    assert all(x["section"] in {"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}
               for x in out["measures"])


# --------------------------------------------------------------------------------------- corpus DB

def test_store_plan(seed, db):
    pid = store_plan(db, seed)
    assert db["plans"].get(pid)["n_measures"] == 106
    assert db["measures"].count == 106 and db["plan_tasks"].count == 37 and db["plan_sections"].count == 12
    row = db["measures"].get(f"{pid}:27.3")
    assert row["section"] == "IX" and row["deadline_end"] == "2016-06" and row["task_id"] == f"{pid}:27"
    links = list(db.query("select abbr, by_agreement, agency_id from measure_agencies where measure_id = ? order by ordinal",
                          [f"{pid}:27.3"]))
    assert [(r["abbr"], r["by_agreement"], r["agency_id"]) for r in links] == [
        ("Мамбашкаруу академиясы", 1, "academy-public-administration"), ("Өкмөттүн Аппараты", 0, "government-office"),
        ("БИМ", 0, "minedu")]
    fks = {(fk.column, fk.other_table) for fk in db["measure_agencies"].foreign_keys}
    assert ("agency_id", "agencies") in fks and ("measure_id", "measures") in fks
    assert db.execute("select count(*) from plan_unresolved_agencies").fetchone()[0] == 6
    # loading again replaces, never duplicates
    store_plan(db, seed)
    assert db["measures"].count == 106 and db["measure_agencies"].count == sum(len(m.agencies) for m in seed.measures)


def test_store_plan_is_all_or_nothing(seed, db):
    import copy

    broken = copy.deepcopy(seed)
    broken.measures[-1].agencies[0].agency_id = "no-such-agency"  # violates the foreign key at the very end
    with pytest.raises(Exception):
        store_plan(db, broken)
    assert db["plans"].count == 0 and db["measures"].count == 0 and db["measure_agencies"].count == 0


def test_cli_load(shared, tmp_path):
    from pipeline.cli import main

    dbp = tmp_path / "c.db"
    res = CliRunner().invoke(main, ["--db", str(dbp), "plan", "load", str(SEED_PLAN)])
    assert res.exit_code == 0, res.output
    assert "106 measures" in res.output
    from corpus import open_db

    assert open_db(dbp)["measures"].count == 106


def test_cli_load_names_the_unresolved_responsible_entries(tmp_path):
    # user audit 2, finding 16: the made-up HTML plan's «ХЗЦ» (measure 3.2) is no registry body
    from pipeline.cli import main

    res = CliRunner().invoke(main, ["--db", str(tmp_path / "u.db"), "plan", "load", str(FIXTURE_HTML)])
    assert res.exit_code == 0, res.output
    assert "1 unresolved responsible entries: «ХЗЦ» (measure 3.2) (table plan_unresolved_agencies)" in res.output
    from pipeline.plan_cli import unresolved_names

    many = [{"ref": str(k), "abbr": f"Орган {k}"} for k in range(7)] + [{"ref": "9", "abbr": "Орган 0"}]
    said = unresolved_names(many)
    assert "«Орган 0» (measures 0, 9)" in said and "«Орган 4»" in said and "«Орган 5»" not in said
    assert "… and 2 more" in said


# ------------------------------------------------------------------------------------- broken layouts

def _broken(tmp_path, shared, old, new, name="broken-plan.ky.txt"):
    text = SEED_PLAN.read_text(encoding="utf-8")
    assert old in text
    p = tmp_path / name
    p.write_text(text.replace(old, new, 1), encoding="utf-8")
    return p


def test_task_out_of_sequence_names_the_line(tmp_path, shared):
    p = _broken(tmp_path, shared, "\n2\n\nШайлоо фонддорунун", "\n3\n\nШайлоо фонддорунун")
    with pytest.raises(TarazaError) as exc:
        parse_plan(p)
    assert "line 148" in str(exc.value) and "task number 3 where task 2 was expected" in str(exc.value)


def test_measure_number_out_of_sequence(tmp_path, shared):
    p = _broken(tmp_path, shared, "3) Коомдук кызматтарга", "5) Коомдук кызматтарга")
    with pytest.raises(TarazaError, match=r"line \d+: measure «5\)» in task 2 where «3\)» was expected"):
        parse_plan(p)


def test_sentence_where_a_deadline_belongs(tmp_path, shared):
    p = _broken(tmp_path, shared, "2015-жылдын сентябры", "Бул жерде мөөнөттүн ордуна узун сүйлөм жазылып калган, "
                "ал эч кандай датаны да, аткаруучуну да билдирбейт жана таблицанын тартибин бузат")
    with pytest.raises(TarazaError, match=r"line \d+: expected the deadline or the responsible executors of measure 2\.3"):
        parse_plan(p)


def test_no_table_header(tmp_path):
    p = tmp_path / "notes.ru.txt"
    p.write_text("Протокол совещания\n\nОбсудили исполнение плана.\n", encoding="utf-8")
    with pytest.raises(TarazaError, match="no plan table header found"):
        parse_plan(p)


def test_failed_load_writes_nothing_and_records_the_error(tmp_path, shared):
    from corpus import open_db
    from pipeline.cli import main

    bad = _broken(tmp_path, shared, "\n2\n\nШайлоо фонддорунун", "\n3\n\nШайлоо фонддорунун")
    dbp = tmp_path / "c.db"
    res = CliRunner().invoke(main, ["--db", str(dbp), "plan", "load", str(bad), str(SEED_PLAN)])
    assert res.exit_code == 0  # a batch goes on; --strict would exit 1
    db = open_db(dbp)
    assert db["plans"].count == 1 and db["measures"].count == 106
    err = list(db["plan_errors"].rows)
    assert len(err) == 1 and "line 148" in err[0]["reason"]
    res = CliRunner().invoke(main, ["--db", str(dbp), "plan", "load", "--strict", str(bad)])
    assert res.exit_code == 1


# -------------------------------------------------------------------- MADE-UP Russian plan: HTML, DOCX

def _check_made_up(plan):
    assert plan.made_up and plan.language == "ru"
    assert (plan.act_type, plan.act_number, plan.act_date) == ("постановление", "999", "2025-01-15")
    assert (plan.period_start, plan.period_end) == ("2025-01", "2030-12")
    assert [s.number for s in plan.sections] == ["I", "II"]
    assert [(t.number, t.section) for t in plan.tasks] == [(1, "I"), (2, "I"), (3, "II")]
    assert [m.ref for m in plan.measures] == ["1.1", "1.2", "1.3", "2.1", "2.2", "3.1", "3.2"]
    m = plan.measure("1.1")
    assert deadline(m) == ("quarter", "2025-10", "2025-12", None)
    assert [(a.abbr, a.agency_id, a.via) for a in m.agencies] == [
        ("МЮ", "minjust", "plan"), ("ГНС", "tax-service", "plan"), ("Минфин", "minfin", "registry")]
    assert m.results == ["Перечень платных услуг утвержден"]
    assert m.indicators == ["Доля услуг, переведенных в электронный формат", "число жалоб"]
    m = plan.measure("1.3")  # the deadline cell spans rows 1.2–1.3
    assert deadline(m) == ("continuous", None, None, "annual") and m.inherited == ["deadline"]
    assert agencies(plan.measure("1.2")) == [("ГП", True), ("ОМСУ", True)]
    m = plan.measure("2.2")  # result and indicator cells span rows 2.1–2.2
    assert m.results == ["Кадровые решения открыты"] and m.inherited == ["indicators", "results"]
    assert agencies(m) == [("ГКНБ", True), ("АКС", False)]
    m = plan.measure("3.2")
    assert deadline(m) == ("range", "2026-06", "2027-12", "quarterly")
    assert plan.unresolved == [{"ref": "3.2", "abbr": "ХЗЦ", "source": m.source}]
    assert deadline(plan.measure("3.1")) == ("half_year", "2026-01", "2026-06", None)


def test_made_up_html_plan():
    plan = parse_plan(FIXTURE_HTML)
    assert plan.format == "html"
    _check_made_up(plan)
    assert plan.measure("3.2").source == "table 1 row 14"


def _made_up_docx(path):
    """The same MADE-UP plan as a Word table with merged cells (python-docx), written by the test."""
    import docx

    d = docx.Document()
    d.add_paragraph("ВЫМЫШЛЕННЫЙ ПРИМЕР ДЛЯ ТЕСТОВ (MADE UP): не настоящий документ")
    d.add_paragraph("ПОСТАНОВЛЕНИЕ КАБИНЕТА МИНИСТРОВ КЫРГЫЗСКОЙ РЕСПУБЛИКИ")
    d.add_paragraph("от 15 января 2025 года № 999")
    d.add_paragraph("Об утверждении Плана мероприятий по противодействию коррупции на 2025-2030 годы (учебный пример)")
    rows = [
        ["№", "Мероприятия", "Сроки исполнения", "Ответственные исполнители", "Ожидаемые результаты", "Индикаторы"],
        ["I. Предупреждение коррупции в государственных органах"],
        ["Задача 1. Снижение коррупционных рисков при оказании государственных услуг"],
        ["1.1", "Провести инвентаризацию государственных услуг, оказываемых за плату", "IV квартал 2025 года",
         "МЮ, ГНС, Минфин", "Перечень платных услуг утвержден", "Доля услуг, переведенных в электронный формат; число жалоб"],
        ["1.2", "Публиковать отчеты о результатах антикоррупционного мониторинга", "Ежегодно, до 15 января",
         "ГП (по согласованию), ОМСУ (по согласованию)", "Отчеты опубликованы", "Число опубликованных отчетов"],
        ["1.3", "Обучить сотрудников правилам служебной этики", None, "МВД", "Сотрудники обучены",
         "Число обученных сотрудников"],
        ["Задача 2. Повышение прозрачности кадровых решений"],
        ["2.1", "Внедрить открытый конкурс на все административные должности", "2025-2026 годы",
         "Кабинет Министров, государственные органы", "Кадровые решения открыты", "Доля должностей, замещенных по конкурсу"],
        ["2.2", "Проверять декларации кандидатов на руководящие должности", "постоянно", "ГКНБ (по согласованию), АКС",
         None, None],
        ["II. Вовлечение гражданского общества"],
        ["Задача 3. Общественный контроль за исполнением плана"],
        ["3.1", "Проводить общественные слушания по отчетам об исполнении плана", "в первом полугодии 2026 года",
         "НПО (по согласованию), Минюст", "Слушания проведены", "Число участников слушаний"],
        ["3.2", "Создать открытую базу данных о ходе исполнения мероприятий",
         "с июня 2026 года по декабрь 2027 года, с ежеквартальным обновлением информации",
         "ХЗЦ, общественные советы (по согласованию)", "База данных работает", "Число обращений к базе"],
    ]
    t = d.add_table(rows=len(rows), cols=6)
    for r, values in enumerate(rows):
        if len(values) == 1:
            merged = t.cell(r, 0).merge(t.cell(r, 5))
            merged.text = values[0]
            continue
        for c, v in enumerate(values):
            if v is None:  # merged with the cell above
                above = t.cell(r - 1, c)
                text = above.text
                above.merge(t.cell(r, c)).text = text
            else:
                t.cell(r, c).text = v
    d.add_paragraph("Список сокращений")
    for abbr, name in [("МЮ", "Министерство юстиции Кыргызской Республики"),
                       ("ГНС", "Государственная налоговая служба при Министерстве финансов Кыргызской Республики"),
                       ("ГП", "Генеральная прокуратура Кыргызской Республики"),
                       ("ОМСУ", "органы местного самоуправления"), ("НПО", "неправительственные организации")]:
        d.add_paragraph(f"{abbr} – {name}")
    d.save(path)


def test_made_up_docx_plan(tmp_path):
    p = tmp_path / "made-up-plan-2025.ru.docx"
    _made_up_docx(p)
    plan = parse_plan(p)
    assert plan.format == "docx"
    _check_made_up(plan)


def test_html_without_a_plan_table(tmp_path):
    p = tmp_path / "made-up-not-a-plan.ru.html"
    p.write_text("<html><body><p>Текст</p><table><tr><td>Дата</td><td>Событие</td></tr></table></body></html>",
                 encoding="utf-8")
    with pytest.raises(TarazaError, match=r"no plan table found.*Дата \| Событие"):
        parse_plan(p)


def test_html_row_that_is_neither_section_nor_task(tmp_path):
    text = FIXTURE_HTML.read_bytes().decode("cp1251").replace(
        "Задача 2. Повышение прозрачности кадровых решений", "Итого по разделу")
    p = tmp_path / "made-up-broken.ru.html"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(TarazaError, match=r"table 1 row 8: a row across the table \(«Итого по разделу»\)"):
        parse_plan(p)


def test_made_up_kyrgyz_docx_in_the_2015_layout(tmp_path):
    """A MADE-UP Kyrgyz plan laid out like the 2015 table in Word: «Милдеттер» over two columns (task number,
    task title) merged down the task's rows, numbered measures «1)», «2)» in one cell sharing a row."""
    import docx

    d = docx.Document()
    d.add_paragraph("ОЙДОН ЧЫГАРЫЛГАН МИСАЛ (MADE UP): тесттер үчүн, чыныгы документ эмес")
    d.add_paragraph("Бишкек шаары, 2019-жылдын 5-марты № 888")
    d.add_paragraph("2019-2021-жылдарга коррупцияга каршы иш-чаралардын планы")
    t = d.add_table(rows=6, cols=6)
    t.cell(0, 0).merge(t.cell(0, 1)).text = "Милдеттер"
    for c, h in enumerate(["Чаралар/Аракеттер", "Ишке ашыруу мөөнөтү", "Жооптуу аткаруучу/кошо аткаруучулар",
                           "Күтүлүүчү натыйжалар/индикаторлор"], 2):
        t.cell(0, c).text = h
    t.cell(1, 0).merge(t.cell(1, 5)).text = "I. Ачык-айкындуулук"
    t.cell(2, 0).merge(t.cell(3, 0)).text = "1"
    t.cell(2, 1).merge(t.cell(3, 1)).text = "Маалыматка жеткиликтүүлүктү камсыз кылуу"
    cell = t.cell(2, 2)
    cell.text = "1) сайттарды жаңылоо;"
    cell.add_paragraph("2) ачык маалыматтарды жарыялоо")
    t.cell(2, 3).text = "2019-жылдын декабры"
    t.cell(2, 4).text = "ЮМ, ЖӨБО (макулдашуу боюнча)"
    t.cell(2, 5).text = "Маалымат жарыяланды/жарыяланган топтомдордун саны"
    t.cell(3, 2).text = "3) колдонуучулардын пикирин чогултуу"
    t.cell(3, 3).text = "жыл сайын"
    t.cell(3, 4).text = "УКМК"
    t.cell(3, 5).text = "Сурамжылоо өткөрүлдү"
    t.cell(4, 0).text = "2"
    t.cell(4, 1).text = "Кызматтарды санариптештирүү"
    t.cell(4, 2).text = "Электрондук кызматтарды киргизүү"
    t.cell(4, 3).text = "2020-2021-жылдар"
    t.cell(4, 4).text = "мамлекеттик органдар"
    t.cell(4, 5).text = "Кызматтар иштейт"
    t.cell(5, 0).merge(t.cell(5, 5)).text = "II. Мониторинг"
    d.add_paragraph("Кыскартуулардын тизмеси")
    d.add_paragraph("ЮМ")
    d.add_paragraph("Кыргыз Республикасынын Юстиция министрлиги")
    p = tmp_path / "made-up-plan-2019.ky.docx"
    d.save(p)
    plan = parse_plan(p)
    assert plan.language == "ky" and (plan.act_date, plan.act_number) == ("2019-03-05", "888")
    assert [(t.number, t.section, t.title) for t in plan.tasks] == [
        (1, "I", "Маалыматка жеткиликтүүлүктү камсыз кылуу"), (2, "I", "Кызматтарды санариптештирүү")]
    assert [m.ref for m in plan.measures] == ["1.1", "1.2", "1.3", "2"]
    m = plan.measure("1.2")
    assert deadline(m) == ("month", "2019-12", "2019-12", None) and agencies(m) == [("ЮМ", False), ("ЖӨБО", True)]
    assert m.results == ["Маалымат жарыяланды"] and m.indicators == ["жарыяланган топтомдордун саны"]
    assert m.agencies[0].via == "plan"
    m = plan.measure("1.3")
    assert deadline(m) == ("continuous", None, None, "annual") and m.agencies[0].agency_id == "gknb"
    assert deadline(plan.measure("2")) == ("range", "2020-01", "2021-12", None)
    assert [s.number for s in plan.sections] == ["I", "II"]


@pytest.mark.parametrize("header,field", [
    ("Чаралар/Аракеттер", "measure"), ("Мероприятие", "measure"), ("Наименование мероприятия", "measure"),
    ("Ишке ашыруу мөөнөтү", "deadline"), ("Срок исполнения", "deadline"), ("Срок", "deadline"),
    ("Жооптуу аткаруучу/кошо аткаруучулар", "agencies"), ("Ответственные", "agencies"),
    ("Күтүлүүчү натыйжалар/индикаторлор", "results_indicators"),
    ("Ожидаемые результаты / индикаторы", "results_indicators"), ("Ожидаемые результаты", "results"),
    ("Индикатор", "indicators"), ("Милдеттер", "task"), ("Задачи", "task"), ("№ п/п", "number"),
    ("Форма завершения", "ignore"), ("Дата", None), ("Срочность", None),
])
def test_header_synonyms(header, field):
    from pipeline.plan import header_field

    assert header_field(header) == field


def test_docx_plan_whose_number_column_is_word_numbering(tmp_path):
    """A MADE-UP flat plan whose «№» cells are empty paragraphs numbered by Word's List Number (user audit 2):
    the measures keep the numbers the reader sees, not rows without a reference."""
    import docx

    d = docx.Document()
    d.add_paragraph("ВЫМЫШЛЕННЫЙ ПРИМЕР ДЛЯ ТЕСТОВ (MADE UP): не настоящий документ")
    d.add_paragraph("План мероприятий по противодействию коррупции в вымышленном ведомстве на 2026 год")
    rows = [("Провести антикоррупционную экспертизу приказов ведомства", "IV квартал 2026 года", "Минюст",
             "Экспертиза проведена"),
            ("Создать горячую линию для сообщений о коррупции", "II квартал 2026 года", "МВД", "Линия работает"),
            ("Опубликовать сведения о закупках на сайте", "ежеквартально", "Минфин", "Сведения опубликованы")]
    t = d.add_table(rows=len(rows) + 1, cols=5)
    for c, h in enumerate(["№", "Мероприятие", "Срок", "Ответственные", "Ожидаемый результат"]):
        t.cell(0, c).text = h
    for r, values in enumerate(rows, start=1):
        t.cell(r, 0).paragraphs[0].style = d.styles["List Number"]  # Word draws «1.», «2.», «3.»
        for c, v in enumerate(values, start=1):
            t.cell(r, c).text = v
    p = tmp_path / "made-up-plan-autonum.ru.docx"
    d.save(p)
    plan = parse_plan(p)
    assert [m.ref for m in plan.measures] == ["1", "2", "3"]
    assert plan.measure("2").text.startswith("Создать горячую линию")
