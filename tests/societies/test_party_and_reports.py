"""Party building on the directory's yearly record, the 党建前置 check, and annual reports."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.activities.models import Activity
from kexie.core import indicators
from kexie.core.indicators import Period, Scope
from kexie.core.services import StaleState
from kexie.directory.models import Organisation, OrganisationYear
from kexie.societies import rules, services
from kexie.societies.models import AnnualReport, FoundingStatus, ReportStatus

pytestmark = pytest.mark.django_db


def _coverage(year, user):
    return indicators.get("directory.party_coverage").compute(Period.year(year), Scope(user=user))


def test_a_joint_branch_counts_and_an_instructor_alone_does_not(world, personas):
    admin, society = personas["city_admin"], world.orgs["society"]
    services.party_record_set(
        actor=admin, org=society, year=2020, data={"party_form": "joint", "party_members": 2}
    )
    record = OrganisationYear.objects.within(society).get(organisation=society, year=2020)
    assert record.has_party_organisation and record.party_form == "joint"
    services.party_record_set(
        actor=admin, org=society, year=2020, data={"party_form": "none", "has_party_instructor": True}
    )
    record.refresh_from_db()
    assert not record.has_party_organisation and record.has_party_instructor


def test_party_coverage_keeps_one_source(world, personas):
    admin, city = personas["city_admin"], world.orgs["city"]
    other = Organisation.objects.create(name="济宁市林学会", kind="society", parent=city, region=city.region)
    other.path = f"{city.path}{other.pk}/"
    other.save()
    services.party_record_set(actor=admin, org=world.orgs["society"], year=2020, data={"party_form": "independent",
                              "party_members": 5})  # fmt: skip
    services.party_record_set(actor=admin, org=other, year=2020, data={"party_form": "none",
                              "has_party_instructor": True})  # fmt: skip
    assert _coverage(2020, admin).value == 50.0


def test_a_branch_of_its_own_needs_three_members(world, personas):
    with pytest.raises(ValidationError, match="党员不足3人"):
        services.party_record_set(actor=personas["city_admin"], org=world.orgs["society"], year=2020,
                                  data={"party_form": "independent", "party_members": 2})  # fmt: skip


@pytest.mark.parametrize(
    "plan, members, branch, refused",
    [("none", 0, "", "党建前置"), ("independent", 2, "", "不足3人"), ("joint", 0, "", "联合党支部")],
)
def test_party_first_refuses_a_society_without_a_plan(world, personas, plan, members, branch, refused):
    with pytest.raises(ValidationError, match=refused):
        services.founding_prepare(
            actor=personas["city_admin"],
            data={
                "name": "济宁市人工智能学会(筹)",
                "party_plan": plan,
                "party_members": members,
                "joint_branch": branch,
            },
        )


def test_an_instructor_only_plan_is_prepared_with_a_warning_and_founded_uncovered(world, personas):
    admin = personas["city_admin"]
    founding = services.founding_prepare(
        actor=admin, data={"name": "济宁市新材料学会", "party_plan": "instructor"}
    )
    assert "不计入党组织覆盖" in founding.party_warning
    services.founding_complete(actor=admin, founding=founding, founded_on=dt.date(2020, 6, 1))
    assert founding.status == FoundingStatus.FOUNDED
    record = OrganisationYear.objects.within(founding.organisation).get(year=2020)
    assert not record.has_party_organisation and record.has_party_instructor


def test_a_founded_institute_becomes_a_directory_unit(world, personas):
    admin = personas["city_admin"]
    founding = services.founding_prepare(
        actor=admin,
        data={
            "name": "济宁市西电人工智能研究院",
            "kind": "research_institute",
            "party_plan": "joint",
            "joint_branch": "市科协联合党支部",
        },
    )
    services.founding_complete(actor=admin, founding=founding)
    assert founding.organisation.kind == "research_institute"
    assert founding.organisation.parent == world.orgs["city"]


# ---------------------------------------------------------------------- annual reports


def _filled(report, actor):
    return services.annual_report_update(
        actor=actor,
        report=report,
        data={"compliance": "遵守法律法规和章程", "income": "12000.50", "expenditure": 9000},
    )


def test_report_is_prefilled_from_activities_and_party(world, personas, make_activity):
    secretary, society = personas["society_secretary"], world.orgs["society"]
    services.party_record_set(actor=personas["city_admin"], org=society, year=2020,
                              data={"party_form": "joint", "member_count": 320})  # fmt: skip
    done = make_activity(actor=secretary, kind=world.kinds["academic_exchange"], start_date=dt.date(2020, 5, 1),
                         end_date=dt.date(2020, 5, 1), region=world.regions["370800"])  # fmt: skip
    Activity.objects.of(done).update(status="approved")
    report = services.annual_report_prepare(actor=secretary, org=society, year=2020)
    assert report.prefilled["academic_exchanges"] == 1
    assert report.prefilled["has_party_organisation"] is True
    assert report.prefilled["member_count"] == 320


def test_report_submitted_returned_resubmitted_accepted(world, personas):
    secretary, admin, society = personas["society_secretary"], personas["city_admin"], world.orgs["society"]
    report = services.annual_report_prepare(actor=secretary, org=society, year=2020)
    with pytest.raises(ValidationError, match="请先填写"):
        services.annual_report_submit(actor=secretary, report=report)
    _filled(report, secretary)
    services.annual_report_submit(actor=secretary, report=report)
    with pytest.raises(ValidationError, match="不能修改"):
        _filled(report, secretary)
    with pytest.raises(ValidationError, match="退回原因"):
        services.annual_report_return(actor=admin, report=report, reason=" ")
    services.annual_report_return(actor=admin, report=report, reason="财务数据缺附表")
    assert report.status == ReportStatus.RETURNED
    services.annual_report_submit(actor=secretary, report=report)
    services.annual_report_accept(actor=admin, report=report)
    assert AnnualReport.objects.within(society).get().status == ReportStatus.ACCEPTED


def test_a_society_cannot_review_its_own_report(world, personas):
    from kexie.accounts.roles import Role

    secretary = personas["society_secretary"]
    secretary.roles = [Role.EDITOR, Role.REVIEWER]
    secretary.save()
    report = services.annual_report_prepare(actor=secretary, org=world.orgs["society"], year=2020)
    _filled(report, secretary)
    services.annual_report_submit(actor=secretary, report=report)
    with pytest.raises(PermissionDenied):
        services.annual_report_accept(actor=secretary, report=report)


def test_a_stale_review_is_refused(world, personas):
    secretary, admin = personas["society_secretary"], personas["city_admin"]
    report = services.annual_report_prepare(actor=secretary, org=world.orgs["society"], year=2020)
    _filled(report, secretary)
    services.annual_report_submit(actor=secretary, report=report)
    services.annual_report_accept(actor=admin, report=report)
    with pytest.raises(StaleState):
        services.annual_report_return(actor=admin, report=report, reason="晚了", seen=ReportStatus.SUBMITTED)


def test_a_county_cannot_prepare_a_city_societys_report(world, personas):
    with pytest.raises(Http404):
        services.annual_report_prepare(actor=personas["county_staff"], org=world.orgs["society"], year=2020)


def test_first_review_is_due_31_march_and_reminders_go_out(world, personas):
    from kexie.core.models import Notification

    assert rules.first_review_due(2020) == dt.date(2021, 3, 31)
    assert services.annual_report_reminders_send(today=dt.date(2021, 1, 15)) == 0  # too early
    assert services.annual_report_reminders_send(today=dt.date(2021, 3, 10)) == 1  # the secretary
    note = Notification.objects.get(user=personas["society_secretary"])
    assert "2020年度报告尚未提交" in note.text


def test_the_directorys_yearly_record_keeps_the_three_member_rule_too(world, personas):
    """The directory's own yearly-record form and API (organisation_year_set) obey the rule the
    societies page does; so does a later change of the member count alone."""
    from kexie.directory.services import organisation_year_set

    admin, society = personas["city_admin"], world.orgs["society"]
    with pytest.raises(ValidationError, match="党员不足3人") as refused:
        organisation_year_set(actor=admin, org=society, year=2020,
                              data={"party_form": "independent", "party_members": 2})  # fmt: skip
    assert "party_form" in refused.value.message_dict
    assert not OrganisationYear.objects.within(society).filter(organisation=society, year=2020).exists()
    services.party_record_set(actor=admin, org=society, year=2020, data={"party_form": "independent",
                              "party_members": 5})  # fmt: skip
    with pytest.raises(ValidationError, match="党员不足3人"):
        organisation_year_set(actor=admin, org=society, year=2020, data={"party_members": 1})
    record = OrganisationYear.objects.within(society).get(organisation=society, year=2020)
    assert (record.party_form, record.party_members) == ("independent", 5)
