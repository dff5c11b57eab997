"""Funded projects: a project walked through every state, its money checked at every step;
budgets, tranches tied to reports, acceptance, closing; two concurrent payments (PostgreSQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from kexie.calls import notice
from kexie.calls import services as calls
from kexie.funds import services
from kexie.funds.ledger import Ledger, ledger, wan, yuan
from kexie.funds.models import Project, Tranche
from kexie.testing import SERIAL_WRITERS, on_postgresql, run_together

from .conftest import lines


def check(project, **expected):
    """The ledger agrees with itself and with the expected figures."""
    project.refresh_from_db()
    book = ledger(project)
    assert book.problems() == []
    assert book.granted == book.paid + book.remaining + book.withdrawn
    assert book.paid == book.spent + book.returned + book.balance
    assert all(v >= 0 for v in book.as_dict().values())
    got = {k: book.as_dict()[k] for k in expected}
    assert got == expected, project.status
    return book


def test_a_project_through_every_state_keeps_its_money_right(world, admin, given):
    base = world.orgs["base"]
    project = services.project_apply(actor=admin, programme=given, title="兖州区科技馆科普展教提升",
                                     undertaker=base, budget_lines=lines(1_500_000, 1_000_000))  # fmt: skip
    assert (project.status, project.requested_fen) == ("applied", 2_500_000)
    check(project, granted=0, paid=0, spent=0, remaining=0)
    services.conflict_declare(actor=admin, project=project, name="王评审", relation="承担单位原负责人")
    # review in the call engine, then 立项公示
    with pytest.raises(ValidationError, match="立项公示期满"):
        services.project_approve(actor=admin, project=project)
    calls.entry_accept(actor=admin, entry=project.entry)
    calls.entry_decide(actor=admin, entry=project.entry, outcome="award", votes_for=5)
    calls.call_close(actor=admin, call=given.call)
    notice.call_notice_start(actor=admin, call=given.call, starts_on=dt.date(2020, 5, 11))
    notice.call_finalise(actor=admin, call=given.call, today=dt.date(2020, 5, 25))
    (project,) = services.programme_approve_from_call(actor=admin, programme=given, on=dt.date(2020, 5, 26))
    assert project.status == "approved"
    check(project, granted=2_500_000, paid=0, remaining=2_500_000)
    with pytest.raises(ValidationError, match="不符"):
        services.project_agree(actor=admin, project=project, agreement_no="JX-1",
                               tranches=[{"amount_fen": 1_000_000, "condition": "none"}])  # fmt: skip
    services.project_agree(actor=admin, project=project, agreement_no="JNKX-2020-01", on=dt.date(2020, 6, 1), tranches=[
        {"amount_fen": 1_000_000, "condition": "none"},
        {"amount_fen": 1_000_000, "condition": "milestone"},
        {"amount_fen": 500_000, "condition": "acceptance"},
    ])  # fmt: skip
    t1, t2, t3 = project.tranches.all()
    check(project, granted=2_500_000, paid=0, remaining=2_500_000)
    services.tranche_pay(actor=admin, tranche=t1, amount_fen=1_000_000, paid_on=dt.date(2020, 6, 5))
    check(project, paid=1_000_000, remaining=1_500_000, balance=1_000_000)
    with pytest.raises(ValidationError, match="阶段进展报告审核通过后"):
        services.tranche_pay(actor=admin, tranche=t2, amount_fen=1_000_000)
    services.report_accept(actor=admin, report=services.report_submit(
        actor=admin, project=project, kind="milestone", period_end=dt.date(2020, 8, 31), text="展品已完成设计"))  # fmt: skip
    fin = services.report_submit(actor=admin, project=project, kind="financial", period_end=dt.date(2020, 8, 31),
                                 text="支出明细", spent_fen=1_200_000)  # fmt: skip
    with pytest.raises(ValidationError, match="超过已拨付未支出"):
        services.report_accept(actor=admin, report=fin)
    services.tranche_pay(actor=admin, tranche=t2, amount_fen=1_000_000, paid_on=dt.date(2020, 9, 10))
    services.report_accept(actor=admin, report=fin)
    check(project, paid=2_000_000, spent=1_200_000, remaining=500_000, balance=800_000)
    with pytest.raises(ValidationError, match="验收通过后"):
        services.tranche_pay(actor=admin, tranche=t3, amount_fen=500_000)
    with pytest.raises(ValidationError, match="结题报告"):
        services.project_accept(actor=admin, project=project, result="passed")
    services.report_submit(
        actor=admin, project=project, kind="final", period_end=dt.date(2020, 11, 30), text="完成"
    )
    services.project_accept(
        actor=admin, project=project, result="rework", note="展板内容待完善", on=dt.date(2020, 12, 1)
    )
    assert project.status == "rework"
    check(project, paid=2_000_000, remaining=500_000)
    services.project_accept(actor=admin, project=project, result="passed", on=dt.date(2020, 12, 10))
    services.tranche_pay(actor=admin, tranche=t3, amount_fen=500_000, paid_on=dt.date(2020, 12, 15))
    services.report_accept(actor=admin, report=services.report_submit(
        actor=admin, project=project, kind="financial", period_end=dt.date(2020, 12, 20), text="决算",
        spent_fen=1_250_000))  # fmt: skip
    check(project, paid=2_500_000, spent=2_450_000, remaining=0, balance=50_000)
    with pytest.raises(ValidationError, match="须全部退回"):
        services.project_close(actor=admin, project=project)
    services.project_close(actor=admin, project=project, returned_fen=50_000, on=dt.date(2020, 12, 31))
    assert project.status == "closed"
    check(project, granted=2_500_000, paid=2_500_000, spent=2_450_000, returned=50_000, remaining=0, balance=0,
          withdrawn=0)  # fmt: skip
    assert [a.result for a in project.acceptances.all()] == ["rework", "passed"]


def test_a_failed_project_closes_with_the_unpaid_part_withdrawn(world, admin, won):
    project = services.project_apply(actor=admin, programme=won, title="乡村科普e站", undertaker=world.orgs["base"],
                                     budget_lines=lines(13_000_000))  # fmt: skip
    services.project_approve(actor=admin, project=project, document_no="鲁科协字〔2020〕12号")
    services.project_agree(actor=admin, project=project, agreement_no="LKX-1", tranches=[
        {"amount_fen": 6_500_000, "condition": "none"}, {"amount_fen": 6_500_000, "condition": "acceptance"}])  # fmt: skip
    services.tranche_pay(actor=admin, tranche=project.tranches.get(seq=1), amount_fen=6_500_000)
    services.report_submit(
        actor=admin, project=project, kind="final", period_end=dt.date(2020, 12, 1), text="未完成"
    )
    services.project_accept(actor=admin, project=project, result="failed", note="主要任务未完成")
    with pytest.raises(ValidationError, match="不能拨款"):
        services.tranche_pay(actor=admin, tranche=project.tranches.get(seq=2), amount_fen=1)
    services.project_close(actor=admin, project=project, returned_fen=6_500_000)
    check(
        project,
        granted=13_000_000,
        paid=6_500_000,
        withdrawn=6_500_000,
        returned=6_500_000,
        remaining=0,
        balance=0,
    )
    assert Tranche.objects.unscoped(reason="test").get(project=project, seq=2).cancelled


def test_the_programme_budget_and_request_bound_the_grant(world, admin, won):
    a = services.project_apply(actor=admin, programme=won, title="甲", undertaker=world.orgs["base"],
                               budget_lines=lines(200_000_000))  # fmt: skip
    b = services.project_apply(actor=admin, programme=won, title="乙", undertaker=world.orgs["base"],
                               budget_lines=lines(20_000_000))  # fmt: skip
    with pytest.raises(ValidationError, match="不能超过申请金额"):
        services.project_approve(actor=admin, project=b, granted_fen=20_000_001)
    services.project_approve(actor=admin, project=a)
    with pytest.raises(ValidationError, match="尚可立项 150000.00 元"):
        services.project_approve(actor=admin, project=b)


def test_bad_money_is_refused_by_name(world, admin, won):
    with pytest.raises(ValidationError, match="预算第2行"):
        services.project_apply(actor=admin, programme=won, title="丙", undertaker=world.orgs["base"],
                               budget_lines=[{"item": "a", "amount_fen": 5}, {"item": "b", "amount_fen": 1.5}])  # fmt: skip
    assert not Project.objects.unscoped(reason="test").exists()


def test_money_formatting_has_no_floats():
    assert yuan(215_000_000) == "2150000.00" and yuan(5) == "0.05"
    assert (wan(215_000_000), wan(63_000_000), wan(12_500_000), wan(12_345)) == (
        "215",
        "63",
        "12.5",
        "0.012345",
    )
    assert Ledger(granted=10, paid=11, spent=0, withdrawn=0, returned=0).problems()


def test_another_unit_gets_404(world, won):
    with pytest.raises(Http404):
        services.project_apply(actor=world.users["outsider"], programme=won, title="丁", undertaker=world.orgs["base"],
                               budget_lines=lines(100))  # fmt: skip


def _agreed(world, admin, won, *tranches):
    project = services.project_apply(actor=admin, programme=won, title="并发", undertaker=world.orgs["base"],
                                     budget_lines=lines(1_000_000))  # fmt: skip
    services.project_approve(actor=admin, project=project)
    services.project_agree(actor=admin, project=project, agreement_no="X-1",
                           tranches=[{"amount_fen": a, "condition": "none"} for a in tranches])  # fmt: skip
    return project


def test_a_tranche_is_not_paid_beyond_its_amount(world, admin, won):
    project = _agreed(world, admin, won, 1_000_000)
    tranche = project.tranches.get()
    services.tranche_pay(actor=admin, tranche=tranche, amount_fen=600_000)
    with pytest.raises(ValidationError, match="尚可拨付 4000.00 元"):
        services.tranche_pay(actor=admin, tranche=tranche, amount_fen=600_000)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_payments_do_not_overdraw(world, admin, won):
    """Two staff pay 60% of the same tranche at once: exactly one succeeds (PostgreSQL)."""
    if not on_postgresql():
        pytest.skip(SERIAL_WRITERS)
    project = _agreed(world, admin, won, 1_000_000)
    tranche = project.tranches.get()

    def pay():
        try:
            services.tranche_pay(actor=admin, tranche=Tranche.objects.unscoped(reason="test").get(pk=tranche.pk),
                                 amount_fen=600_000)  # fmt: skip
            return "paid"
        except ValidationError as exc:
            return str(exc)

    results = run_together(pay, pay)
    assert sorted(r == "paid" for r in results) == [False, True], results
    check(project, paid=600_000, remaining=400_000)
