"""Societies and county associations in the demo city, as the seed's 2020 review tells it:
party coverage of the city's societies from 77% (2019) to 100% (2020), written as party forms
(单独建立 / 联合党支部 / none with an instructor) on the directory's yearly records, so the
figure keeps its one source; 7 county associations re-elected in 2020; one rectification
(济宁市乐伴青少年科普中心); two research institutes founded (济宁市西电人工智能研究院, 济宁市青青柳柳编产业
研究院) and a society being prepared (筹建) under 党建前置; annual reports, an evaluation on the
1,000-point scheme, and the 3+1 heads of hospitals, schools and agricultural stations.

Everything goes through the services. Dates the services stamp with today (a report's
submission) are moved back afterwards to the seed's year, as the volunteers' demo does."""

import datetime as dt
import random

from django.utils import timezone

from kexie.demo import data as D
from kexie.directory.models import OrganisationYear, Person
from kexie.directory.services import organisation_create, person_create
from kexie.societies import evaluation, grassroots, services
from kexie.societies.models import AnnualReport

SEED = 20201231 + 15
YEAR = 2020
RENEWED = 7  # 指导7个县市区成功换届
RECTIFIED = "济宁市乐伴青少年科普中心"
INSTITUTES = ("济宁市西电人工智能研究院", "济宁市青青柳柳编产业研究院")
PREPARING = (
    "济宁市人工智能学会"  # 支持…筹建 (the core demo lists it among the societies; see docs/societies.md)
)
JOINT_BRANCH = "济宁市科协所属学会联合党支部"


def load(context) -> None:
    rng = random.Random(SEED)
    admin = context.users[D.ADMIN_USERNAME]
    _party(admin, context, rng)
    _county_terms(admin, context, rng)
    _society_terms(admin, context)
    _foundings(admin, context)
    _rectification(admin, context)
    _reports(admin, context, rng)
    _evaluation(admin, context, rng)
    _grassroots(admin, context, rng)


def _party(admin, context, rng) -> None:
    """The core demo's yearly records say who had a party organisation; here each gets its form."""
    records = (
        OrganisationYear.objects.unscoped(reason="the demo's own societies")
        .filter(organisation__in=context.orgs["societies"])
        .select_related("organisation")
        .order_by("year", "organisation_id")
    )
    for record in records:
        if record.has_party_organisation:
            joint = record.organisation_id % 3 == 0
            data = {"party_form": "joint" if joint else "independent",
                    "party_members": rng.randrange(1, 3) if joint else rng.randrange(3, 16)}  # fmt: skip
        else:
            data = {"party_form": "none", "has_party_instructor": rng.random() < 0.5}
        services.party_record_set(actor=admin, org=record.organisation, year=record.year, data=data)


def _people_of(unit, n: int) -> list:
    return list(Person.objects.within(unit).filter(unit=unit).order_by("id")[:n])


def _officers(people, starts_on) -> list[dict]:
    roles = ("chair", "vice_chair", "secretary_general")
    return [{"person": p, "role": r, "starts_on": starts_on} for p, r in zip(people, roles, strict=False)]


def _county_terms(admin, context, rng) -> None:
    """7 of the 11 county associations held their congress in 2020; the other 4 are mid-term."""
    for i, county in enumerate(context.orgs["counties"]):
        people = _people_of(county, 6)
        members = rng.randrange(90, 200)
        if i < RENEWED:
            started = dt.date(2015, rng.randrange(4, 12), 1)
            old = services.term_create(actor=admin, org=county, officers=_officers(people[:3], started), data={
                "number": 8, "starts_on": started, "member_count": members, "board_size": members // 4})  # fmt: skip
            congress = dt.date(YEAR, rng.randrange(3, 12), rng.randrange(1, 28))
            filed = None if i == 0 else congress + dt.timedelta(days=20)
            services.term_record_congress(actor=admin, term=old, congress_on=congress, filed_on=filed)
            services.term_create(actor=admin, org=county, officers=_officers(people[3:], congress), data={
                "number": 9, "starts_on": congress, "member_count": members, "board_size": members // 4})  # fmt: skip
        else:
            started = dt.date(2017, rng.randrange(3, 12), 1)
            services.term_create(actor=admin, org=county, officers=_officers(people[:3], started), data={
                "number": 8, "starts_on": started, "member_count": members, "board_size": members // 4})  # fmt: skip


def _society_terms(admin, context) -> None:
    """A few societies' terms: one due in 2021, one overdue with a board too large."""
    societies = context.orgs["societies"]
    psychology, coal = societies[0], next(s for s in societies if s.name == "济宁市煤炭学会")
    services.term_create(actor=admin, org=psychology, officers=_officers(_people_of(psychology, 3), dt.date(2016, 6, 1)),
                         data={"number": 3, "starts_on": dt.date(2016, 6, 1), "member_count": 320, "board_size": 45})  # fmt: skip
    services.term_create(actor=admin, org=coal, officers=_officers(_people_of(coal, 3), dt.date(2014, 9, 1)),
                         data={"number": 5, "starts_on": dt.date(2014, 9, 1), "member_count": 90, "board_size": 40})  # fmt: skip


def _foundings(admin, context) -> None:
    for name, plan in zip(INSTITUTES, ({"party_plan": "joint", "joint_branch": JOINT_BRANCH},
                                       {"party_plan": "independent", "party_members": 4}), strict=True):  # fmt: skip
        founding = services.founding_prepare(actor=admin, data={
            "name": name, "kind": "research_institute", "prepared_on": dt.date(YEAR, 3, 1), **plan})  # fmt: skip
        services.founding_complete(actor=admin, founding=founding, founded_on=dt.date(YEAR, 7, 1))
    services.founding_prepare(actor=admin, data={
        "name": f"{PREPARING}(筹)", "kind": "society", "party_plan": "independent", "party_members": 5,
        "prepared_on": dt.date(YEAR, 10, 1)})  # fmt: skip


def _rectification(admin, context) -> None:
    # a society registered long before 党建前置: recorded as existing, by an audited exemption
    centre = organisation_create(actor=admin, data={"name": RECTIFIED, "kind": "society", "parent": context.city,
                                                    "region": context.city.region},
                                 exemption="2015年已登记成立,存量学会登记")  # fmt: skip
    item = services.rectification_order(actor=admin, org=centre, data={
        "reasons": "不履行主管学会职责:未按期召开理事会,未报送年度报告,活动长期停滞",
        "required_evidence": "整改报告、理事会会议纪要、2019年度报告",
        "ordered_on": dt.date(YEAR, 9, 15), "deadline": dt.date(YEAR, 11, 30)})  # fmt: skip
    services.rectification_follow_up(actor=admin, item=item, data={
        "on": dt.date(YEAR, 10, 20), "note": "已召开理事会,提交整改报告初稿", "evidence": "理事会会议纪要"})  # fmt: skip
    services.rectification_decide(actor=admin, item=item, outcome="closed", note="按期完成整改,恢复正常活动",
                                  on=dt.date(YEAR, 12, 10))  # fmt: skip


def _reports(admin, context, rng) -> None:
    """2019 reports of the societies, submitted in March 2020 and accepted; the 心理学会's 2020
    report is filled and waiting for review."""
    filled = {"compliance": "遵守法律法规和学会章程,按期召开理事会", "registration_changes": "无",
              "income": 0, "expenditure": 0, "staff_count": 2}  # fmt: skip
    for society in context.orgs["societies"][1:]:
        report = services.annual_report_prepare(actor=admin, org=society, year=YEAR - 1)
        money = rng.randrange(20_000, 300_000)
        services.annual_report_update(actor=admin, report=report, data={**filled, "income": money,
                                      "expenditure": money * rng.randrange(70, 100) // 100})  # fmt: skip
        services.annual_report_submit(actor=admin, report=report)
        services.annual_report_accept(actor=admin, report=report)
        submitted = timezone.make_aware(dt.datetime(YEAR, 3, rng.randrange(2, 28), 10))
        AnnualReport.objects.of(report).update(
            submitted_at=submitted, reviewed_at=submitted + dt.timedelta(days=3)
        )
    secretary = context.users.get("xinlixuehui", admin)
    report = services.annual_report_prepare(actor=secretary, org=context.orgs["societies"][0], year=YEAR)
    services.annual_report_update(actor=secretary, report=report, data={**filled, "income": 86_000,
                                  "expenditure": 79_500, "awards": "全市心理学学术研讨会"})  # fmt: skip
    services.annual_report_submit(actor=secretary, report=report)


def _evaluation(admin, context, rng) -> None:
    scheme = services.scheme_create(actor=admin, name="济宁市学会评估指标体系(2020)",
                                    items=evaluation.DEFAULT_ITEMS, grades=evaluation.DEFAULT_GRADES)  # fmt: skip
    experts = [p for h in context.orgs["hospitals"][:3] for p in _people_of(h, 1)]
    for society in context.orgs["societies"][1:11]:
        ev = services.evaluation_open(actor=admin, org=society, scheme=scheme, year=YEAR, evaluators=experts)
        for item in scheme.items:
            if item["source"]:
                services.evaluation_score(actor=admin, evaluation=ev, item_code=item["code"])
            else:
                score = round(item["max"] * rng.uniform(0.7, 1.0))
                services.evaluation_score(actor=admin, evaluation=ev, item_code=item["code"], score=score,
                                          evidence="现场核查、查阅档案")  # fmt: skip
        services.evaluation_finish(actor=admin, evaluation=ev)


def _grassroots(admin, context, rng) -> None:
    """Hospitals, schools and one agricultural station per county; about two thirds of the
    heads have joined the association (基层三长)."""
    stations = [
        organisation_create(
            actor=admin,
            data={
                "name": f"{county.short_name[:-2]}农业技术推广站",
                "kind": "agri_station",
                "parent": county,
                "region": county.region,
            },
        )  # fmt: skip
        for county in context.orgs["counties"]
    ]
    for unit in context.orgs["hospitals"] + context.orgs["schools"] + stations:
        if rng.random() < 0.35:
            continue
        name = rng.choice(D.SURNAMES) + "".join(rng.choice(D.GIVEN) for _ in range(2))
        head = person_create(actor=admin, data={"name": name, "unit": unit.parent, "title": "高级职称"})
        grassroots.grassroots_head_add(actor=admin, unit=unit, person=head)
