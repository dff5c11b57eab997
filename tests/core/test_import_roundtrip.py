"""Templates (drop-downs, example row, 说明 sheet) and export → import → export round trips."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied
from openpyxl import load_workbook

from kexie.activities.models import Activity, Campaign
from kexie.activities.services import activity_submit, campaign_create
from kexie.bases.models import Assessment, VenueMonth
from kexie.core.imports import KINDS, export_rows, import_file, template_bytes
from kexie.directory.models import Affiliation, Organisation, OrganisationYear, Person, Region
from kexie.directory.services import organisation_create, person_create
from kexie.funds.models import BudgetLine
from kexie.hotline.models import Consultation
from kexie.office.models import Cadre, Task
from kexie.opinion.models import Article, Item
from kexie.volunteers.models import ServiceRecord, VolunteerEvaluation

MODELS = {"regions": Region, "organisations": Organisation, "people": Person, "activities": Activity,
          "campaigns": Campaign, "consultations": Consultation, "venue_visitors": VenueMonth,
          "base_assessments": Assessment, "party_records": OrganisationYear,
          "grassroots_heads": Affiliation, "opinion_items": Item, "opinion_articles": Article,
          "funds_projects": BudgetLine, "office_tasks": Task, "service_records": ServiceRecord,
          "officers": Affiliation, "volunteer_evaluations": VolunteerEvaluation, "cadres": Cadre}  # fmt: skip


def run(actor, kind, data, filename="data.xlsx", **kwargs):
    return import_file(actor=actor, kind=kind, fileobj=io.BytesIO(data), filename=filename, **kwargs)


@pytest.mark.parametrize("kind", KINDS)
def test_template_has_dropdowns_help_and_a_valid_example_that_is_skipped(
    world, personas, make_activity, kind
):
    actor = personas["city_admin"]
    if kind == "consultations":  # consultations go to an expert pool
        _hotline(world)
    if kind in ("venue_visitors", "base_assessments"):  # rows name a venue or a named base
        _bases(world, actor)
    if kind == "opinion_items":  # rows name a source
        _opinion(world)
    if kind == "funds_projects":  # rows name a programme
        _funds(actor)
    if kind in ("office_tasks", "cadres"):  # rows name a department (and one of its cadres)
        _office(world)
    if kind == "officers":  # rows name a person of the directory
        person_create(actor=actor, data={"name": "周理事", "unit": world.orgs["society"]})
    if kind in ("service_records", "volunteer_evaluations"):  # rows name a volunteer (and an activity)
        _volunteer_at(world, actor, make_activity(actor=actor, venue="济宁市科技馆"), "李志愿")
    data = template_bytes(actor=actor, kind=kind)
    wb = load_workbook(io.BytesIO(data))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    assert wb.sheetnames[:2] == ["数据", "说明"]
    lists = [v for v in ws.data_validations.dataValidation if v.type == "list"]
    assert lists, "coded columns get drop-downs"
    assert all(v.sqref for v in lists)
    assert any(c.value not in (None, "") for c in ws[2]), "row 2 holds an example"
    help_rows = list(wb["说明"].iter_rows(min_row=5, values_only=True))
    assert [r[0] for r in help_rows] == headers
    assert all(r[1] in ("是", "否") for r in help_rows)
    skipped = run(actor, kind, data, filename="template.xlsx")
    assert skipped.ok and skipped.rows == 0 and skipped.example_row == 2
    for cell in ws[2]:  # the example copied below itself is valid data
        ws.cell(row=3, column=cell.column, value=cell.value)
    buf = io.BytesIO()
    wb.save(buf)
    before = MODELS[kind].objects.count()
    result = run(actor, kind, buf.getvalue(), filename="template.xlsx")
    assert result.ok, [p.message for p in result.errors]
    assert result.created + result.updated == 1
    assert MODELS[kind].objects.count() == before + result.created


def test_long_lists_go_to_a_hidden_sheet(personas):
    wb = load_workbook(io.BytesIO(template_bytes(actor=personas["city_admin"], kind="people")))
    assert wb["选项"].sheet_state == "hidden"
    formulas = [v.formula1 for v in wb["数据"].data_validations.dataValidation if v.type == "list"]
    assert any(f.startswith("'选项'!") for f in formulas)  # 学科 has 62 entries
    assert '"男,女"' in formulas


def _hotline(world):
    from kexie.hotline.testing import build_hotline

    return build_hotline(world.users, world.orgs)


def _opinion(world):
    from kexie.opinion.testing import build_opinion

    return build_opinion(world.users, world.orgs, actor="county_staff", unit="rencheng")


def _office(world):
    """The city's office (办公室, with the cadre 张三 the template's example names)."""
    from kexie.office import services
    from kexie.office.testing import build_office

    office = build_office(world.users, world.orgs)
    services.cadre_create(actor=world.users["city_admin"], name="张三", department=office["office"].unit)


def _volunteer_at(world, actor, activity, name, *, person=None):
    """A registered volunteer of the actor's unit (a new person unless given) for `activity`."""
    from kexie.volunteers.services import volunteer_register

    person = person or person_create(actor=actor, data={"name": name, "unit": actor.unit})
    return volunteer_register(actor=actor, person=person, data={})


def _office_and_volunteers_of_rencheng(world, staff, activity, person):
    """A task of a 任城区科协 department and a recorded service at its activity: both seen by the
    city and by 任城区科协."""
    from kexie.office import services as office
    from kexie.volunteers.services import service_record_enter

    dept = office.department_create(actor=staff, name="任城办公室", parent=staff.unit)
    cadre = office.cadre_create(actor=staff, name="任城干部", department=dept.unit)
    office.task_create(actor=staff, data={"title": "报送年度总结", "department": dept.unit, "owner": cadre,
                                          "source": "notice", "notice": "济科协发〔2020〕3号",
                                          "assigned_on": dt.date(2020, 5, 6), "deadline": dt.date(2020, 6, 30)})  # fmt: skip
    volunteer = _volunteer_at(world, staff, activity, "", person=person)
    service_record_enter(actor=staff, volunteer=volunteer, activity=activity,
                         data={"content": "科普宣传", "hours": "2.50", "responsible_person": person})  # fmt: skip
    from kexie.volunteers.services import volunteer_evaluation_add

    volunteer_evaluation_add(actor=staff, volunteer=volunteer, unit=staff.unit,
                             data={"year": 2020, "rating": "good", "comment": "=认真", "evaluated_on": dt.date(2020, 12, 1)})  # fmt: skip


def _populate(world, personas, make_activity):
    from kexie.hotline.services import consultation_answer, consultation_receive

    admin = personas["city_admin"]
    _hotline(world)
    _opinion(world)
    call = {"channel": "phone", "topic": "crop", "question": "小麦发黄", "caller_phone": "13812345678",
            "region": world.regions["370811"]}  # fmt: skip
    consultation_answer(actor=admin, consultation=consultation_receive(actor=admin, data=call), answer="追肥")
    org = organisation_create(actor=admin, data={"name": "济宁市机械工程学会", "kind": "society",
                                                 "contact_phone": "13912345678", "region": world.regions["370800"]},
                              exemption="存量学会登记")  # fmt: skip
    person_create(actor=admin, data={"name": "张三", "unit": org, "phone": "13800001111", "gender": "M",
                                     "id_number": "370811198502034562", "is_expert": True})  # fmt: skip
    li = person_create(actor=admin, data={"name": "李四", "unit": world.orgs["rencheng"]})
    campaign = campaign_create(
        actor=admin, data={"name": "2020年全国科普日", "year": 2020, "start_date": dt.date(2020, 9, 1),
                           "end_date": dt.date(2020, 9, 30)}, participating_units=[world.orgs["rencheng"], org],
    )  # fmt: skip
    campaign_create(
        actor=personas["county_staff"], data={"name": "任城区科普进社区", "year": 2021,
                                             "start_date": dt.date(2021, 3, 1), "end_date": dt.date(2021, 11, 30)},
        participating_units=[org],
    )  # fmt: skip
    a = make_activity(campaign=campaign, venue="社区广场")
    a.co_organisers.set([world.orgs["school"], org])
    activity_submit(actor=personas["county_staff"], activity=a)
    make_activity(title="学术年会", kind=world.kinds["academic_exchange"], start_date=dt.date(2021, 5, 1),
                  end_date=dt.date(2021, 5, 2))  # fmt: skip
    _bases_of_rencheng(world, admin)
    _societies_of_rencheng(world, admin)
    _funds(personas["county_staff"], undertaker=world.orgs["school"])
    _office_and_volunteers_of_rencheng(world, personas["county_staff"], a, li)


def _societies_of_rencheng(world, admin):
    from kexie.societies import grassroots, services

    services.party_record_set(actor=admin, org=world.orgs["rencheng"], year=2020,
                              data={"party_form": "joint", "party_members": 2})  # fmt: skip
    head = person_create(actor=admin, data={"name": "王校长", "unit": world.orgs["school"]})
    grassroots.grassroots_head_add(actor=admin, unit=world.orgs["school"], person=head)
    chair = person_create(actor=admin, data={"name": "任主席", "unit": world.orgs["rencheng"]})
    position = services.officer_appoint(actor=admin, org=world.orgs["rencheng"], person=chair, role="chair",
                                        starts_on=dt.date(2016, 5, 1))  # fmt: skip
    services.officer_end(
        actor=admin, org=world.orgs["rencheng"], position=position, ends_on=dt.date(2021, 4, 30)
    )
    services.officer_appoint(actor=admin, org=world.orgs["rencheng"], person=head, role="board",
                             starts_on=dt.date(2021, 5, 1))  # fmt: skip


def _bases_of_rencheng(world, admin):
    from kexie.bases import services, testing

    venue = testing.venue(
        personas_staff := world.users["county_staff"], world.regions["370811"], name="任城区科技馆"
    )
    services.venue_visitors_record(
        actor=personas_staff, venue=venue, month=dt.date(2020, 9, 1), visitors=3200
    )
    base = organisation_create(actor=admin, data={"name": "任城区气象科普馆", "kind": "outreach_base",
                                                  "parent": world.orgs["rencheng"], "region": world.regions["370811"]})  # fmt: skip
    record = testing.named_base(admin, base)
    figures = {"open_days": 250, "visitors": 15000, "staff": 6}
    services.assessment_record(actor=admin, base_designation=record, year=2020, figures=figures)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("persona", ["city_admin", "county_staff"])
def test_export_import_export_is_identical(world, personas, make_activity, kind, persona):
    _populate(world, personas, make_activity)
    actor = personas[persona]
    first = export_rows(actor=actor, kind=kind)
    if kind == "regions" and persona == "county_staff":  # only the top unit maintains regions
        with pytest.raises(PermissionDenied, match="只有市科协可以维护行政区划"):
            run(actor, kind, first, filename="export.xlsx")
        return
    count = MODELS[kind].objects.count()
    result = run(actor, kind, first, filename="export.xlsx")
    assert result.ok, [p.message for p in result.errors]
    assert (result.created, result.updated) == (0, 0) and result.unchanged == result.rows > 0
    assert MODELS[kind].objects.count() == count
    assert export_rows(actor=actor, kind=kind) == first


def test_roundtrip_through_csv(world, personas, make_activity):
    _populate(world, personas, make_activity)
    actor = personas["city_admin"]
    first = export_rows(actor=actor, kind="activities", fmt="csv")
    result = run(actor, "activities", first, filename="export.csv")
    assert result.ok and result.unchanged == 2
    assert export_rows(actor=actor, kind="activities", fmt="csv") == first


def test_edited_export_updates_in_place(world, personas, make_activity):
    _populate(world, personas, make_activity)
    actor = personas["city_admin"]
    wb = load_workbook(io.BytesIO(export_rows(actor=actor, kind="activities", year=2021)))
    ws = wb["数据"]
    headers = [c.value for c in ws[1]]
    ws.cell(row=2, column=headers.index("参与人数") + 1, value=999)
    ws.cell(row=2, column=headers.index("协办单位") + 1, value="任城区二十里铺中学")
    buf = io.BytesIO()
    wb.save(buf)
    result = run(actor, "activities", buf.getvalue())
    assert (result.created, result.updated) == (0, 1)
    activity = Activity.objects.get(title="学术年会")
    assert activity.participants == 999
    assert [o.name for o in activity.co_organisers.all()] == ["任城区二十里铺中学"]
    assert Activity.objects.count() == 2


def test_export_year_filter(world, personas, make_activity):
    _populate(world, personas, make_activity)
    wb = load_workbook(io.BytesIO(export_rows(actor=personas["city_admin"], kind="activities", year=2020)))
    values = list(wb["数据"].iter_rows(min_row=2, values_only=True))
    assert [v[1] for v in values] == ["科普讲座进社区"]
    assert values[0][3] == dt.datetime(2020, 9, 19)


def _bases(world, actor):
    from kexie.bases import testing

    testing.venue(actor, world.regions["370811"])
    testing.named_base(actor, world.orgs["base"])


def _funds(actor, undertaker=None):
    from kexie.funds import services

    programme = services.programme_create(actor=actor, data={
        "name": f"2020年{actor.unit.name}科普项目", "kind": "other", "direction": "given", "year": 2020,
        "budget_fen": 10_000_000})  # fmt: skip
    if undertaker is not None:
        services.project_apply(actor=actor, programme=programme, title="校园科普", undertaker=undertaker,
                               budget_lines=[{"item": "展板", "amount_fen": 150_050}], leader_name="王明")  # fmt: skip
