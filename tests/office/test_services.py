"""The office's services and who sees what (kexie.office.selectors)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from kexie.core import workdays
from kexie.office import records, selectors, services
from kexie.office.models import Task, TaskStatus
from kexie.office.testing import build_office


@pytest.fixture
def office(world):
    return build_office(world.users, world.orgs)


def test_departments_are_units_below_the_association(world, office):
    unit = office["office"].unit
    assert unit.parent == world.orgs["city"]
    assert unit.path.startswith(world.orgs["city"].path)
    assert office["cadre_a"].person.is_cadre and office["cadre_a"].person.unit == unit


def test_a_department_needs_an_association_above_it(world):
    with pytest.raises(ValidationError):
        services.department_create(
            actor=world.users["city_admin"], name="错处室", parent=world.orgs["society"]
        )


def test_decision_becomes_a_task_once(world, office):
    task = office["task"]
    assert task.source == "decision" and task.decision == office["decision"]
    assert task.title == "修订财务报销制度" and task.assigned_on == dt.date(2020, 3, 10)
    with pytest.raises(ValidationError):
        services.decision_to_task(
            actor=world.users["city_admin"], decision=office["decision"],
            data={"department": office["office"].unit, "owner": office["cadre_a"], "deadline": dt.date(2020, 5, 1)},
        )  # fmt: skip


def test_deadline_in_working_days(world, office):
    task = services.task_create(
        actor=world.users["city_admin"],
        data={"title": "报送材料", "department": office["office"].unit, "owner": office["cadre_a"], "source": "notice",
              "notice": "省科协通知", "assigned_on": dt.date(2020, 9, 30), "working_days": 5},
    )  # fmt: skip
    assert task.deadline == workdays.add_working_days(dt.date(2020, 9, 30), 5)
    assert task.deadline > dt.date(2020, 10, 8)  # 国庆中秋 holidays are skipped


def test_task_source_needs_its_reference(world, office):
    with pytest.raises(ValidationError) as exc:
        services.task_create(
            actor=world.users["city_admin"],
            data={"title": "x", "department": office["office"].unit, "owner": office["cadre_a"], "source": "notice",
                  "assigned_on": dt.date(2020, 1, 2), "deadline": dt.date(2020, 1, 3)},
        )  # fmt: skip
    assert "notice" in exc.value.message_dict
    assert not Task.objects.unscoped(reason="test").filter(title="x").exists()


def test_owner_reports_progress_and_completes(world, office):
    task = office["task"]
    services.task_note_add(actor=office["user_a"], task=task, text="已起草修订稿", evidence_note="修订稿")
    services.task_complete(actor=office["user_a"], task=task, done_on=dt.date(2020, 5, 6))
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.done_late
    with pytest.raises(ValidationError):
        services.task_complete(actor=office["user_a"], task=task)


def test_cadre_of_another_department_cannot_touch_a_task(world, office):
    from kexie.testing import _user

    stranger = _user("stranger", office["society_dept"].unit, ["editor"])
    with pytest.raises(Http404):
        services.task_note_add(actor=stranger, task=office["task"], text="x")


def test_figures_computed_from_the_task_list(world, office):
    admin = world.users["city_admin"]
    a = office["cadre_a"]
    on_time = services.task_create(
        actor=admin, data={"title": "按时", "department": office["office"].unit, "owner": a, "source": "plan",
                           "assigned_on": dt.date(2020, 1, 2), "deadline": dt.date(2020, 2, 28)})  # fmt: skip
    services.task_complete(actor=admin, task=on_time, done_on=dt.date(2020, 2, 28))
    services.task_complete(actor=admin, task=office["task"], done_on=dt.date(2020, 5, 8))  # late
    services.task_create(
        actor=admin, data={"title": "未完成", "department": office["office"].unit, "owner": a, "source": "plan",
                           "assigned_on": dt.date(2020, 1, 2), "deadline": dt.date(2020, 12, 31)})  # fmt: skip
    cancelled = services.task_create(
        actor=admin, data={"title": "撤销", "department": office["office"].unit, "owner": a, "source": "plan",
                           "assigned_on": dt.date(2020, 1, 2), "deadline": dt.date(2020, 6, 1)})  # fmt: skip
    services.task_cancel(actor=admin, task=cancelled, reason="不再需要")
    services.task_create(
        actor=admin, data={"title": "明年", "department": office["office"].unit, "owner": a, "source": "plan",
                           "assigned_on": dt.date(2020, 12, 1), "deadline": dt.date(2021, 1, 15)})  # fmt: skip
    figures = records.task_figures(a.tasks.all(), year=2020, on=dt.date(2021, 1, 4))
    assert (figures.total, figures.on_time, figures.late, figures.open, figures.overdue) == (3, 1, 1, 1, 1)
    assert figures.on_time_rate == pytest.approx(33.3)


def test_who_sees_which_record(world, office):
    recs = {u: set(selectors.records(office[u]).values_list("cadre__person__name", flat=True))
            for u in ("user_a", "user_b", "head", "leader", "other_leader", "personnel")}  # fmt: skip
    assert recs["user_a"] == {"王干部"}
    assert recs["user_b"] == {"李干部"}
    assert recs["head"] == {"王干部", "李干部"}
    assert recs["leader"] == {"王干部", "李干部"}
    assert recs["other_leader"] == {"赵干部"}
    assert recs["personnel"] == {"王干部", "李干部", "赵干部"}
    assert set(selectors.records(world.users["county_staff"])) == set()


def test_division_leader_sees_only_led_departments_tasks(world, office):
    titles = set(selectors.tasks(office["other_leader"]).values_list("title", flat=True))
    assert titles == {"学会年检"}


def test_notes_are_the_cadres_own_and_assessment_a_leaders(world, office):
    services.record_notes_set(actor=office["user_a"], record=office["record_a"], text="按期完成制度修订")
    with pytest.raises(PermissionDenied):
        services.record_notes_set(actor=office["head"], record=office["record_a"], text="代写")
    with pytest.raises(Http404):
        services.record_assess(actor=office["user_b"], record=office["record_a"], text="好")
    with pytest.raises(Http404):
        services.record_assess(actor=office["other_leader"], record=office["record_a"], text="好")
    services.record_assess(actor=office["leader"], record=office["record_a"], text="执行有力")
    office["record_a"].refresh_from_db()
    assert office["record_a"].assessment == "执行有力" and office["record_a"].assessed_by == office["leader"]


def test_rule_versions_and_force(world, office):
    admin, rule = world.users["city_admin"], office["rule"]
    services.rule_revise(
        actor=admin, rule=rule, text="第一条 修订后……", effective_on=dt.date(2021, 1, 1), note="修订"
    )
    assert services.version_in_force(rule, dt.date(2020, 6, 1)).version == 1
    assert services.version_in_force(rule, dt.date(2021, 6, 1)).version == 2
    services.rule_repeal(actor=admin, rule=rule, repealed_on=dt.date(2022, 1, 1))
    assert rule.in_force_on(dt.date(2021, 12, 31)) and not rule.in_force_on(dt.date(2022, 1, 1))
    with pytest.raises(ValidationError):
        services.rule_revise(actor=admin, rule=rule, text="再修订", effective_on=dt.date(2023, 1, 1))


def test_reminders_go_to_owners_of_overdue_and_at_risk_tasks(world, office):
    from kexie.core.models import Notification

    sent = services.task_reminders(on=dt.date(2020, 4, 28))
    # 王干部's task (due 4-30) is at risk, 李干部's (3-31) overdue; 赵干部 has no login
    assert sent == 2
    assert Notification.objects.filter(user=office["user_b"]).count() == 1
