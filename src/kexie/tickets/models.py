"""Tickets with service levels: a queue of people who answer, tickets with two clocks (first
response and resolution) that run on the queue's working hours and pause while the ticket
waits for the caller, breach flags and satisfaction. The hotline's consultations are the first
users; the opinion-monitoring alerts will reuse them. Writes: kexie.tickets.services."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import SCOPED, ScopedModel, ScopedQuerySet
from kexie.core.workdays import OFFICE_HOURS, ROUND_THE_CLOCK, WorkingHours

ORG = "directory.Organisation"
USER = settings.AUTH_USER_MODEL
NOTE_MAX = 1000  # characters of one handling note


class Clock(models.TextChoices):
    OFFICE = "office", _("工作时间(工作日8:30–12:00、13:30–17:30)")
    ROUND_THE_CLOCK = "24h", _("24小时(含节假日)")


CLOCK_HOURS: dict[str, WorkingHours] = {Clock.OFFICE: OFFICE_HOURS, Clock.ROUND_THE_CLOCK: ROUND_THE_CLOCK}


class Status(models.TextChoices):
    NEW = "new", _("待响应")
    OPEN = "open", _("处理中")
    WAITING = "waiting", _("等待来电人")
    RESOLVED = "resolved", _("已解决")


OPEN_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)
# Which states each action may start from: services pass them to `transition`, templates ask the
# Ticket properties below, so the rule is written once.
RESPOND_FROM = (Status.NEW,)
WAIT_FROM = (Status.OPEN,)
RESUME_FROM = (Status.WAITING,)
RESOLVE_FROM = (Status.NEW, Status.OPEN)


class Queue(ScopedModel):
    """A pool of people who answer tickets of one kind, with its service levels. A sensitive
    queue (psychological aid) keeps its tickets out of the unit's scope: only its members and
    supervisors see them, through per-object grants."""

    scope_field = "unit"

    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    clock = models.CharField(_("服务时间"), max_length=8, choices=Clock.choices, default=Clock.OFFICE)
    first_response_minutes = models.PositiveIntegerField(_("首次响应时限(分钟)"), default=240)
    resolution_minutes = models.PositiveIntegerField(_("解决时限(分钟)"), default=2 * 450)
    is_sensitive = models.BooleanField(_("敏感(仅本组及主管可见)"), default=False)
    members = models.ManyToManyField(USER, verbose_name=_("成员"), blank=True, related_name="ticket_queues")
    supervisors = models.ManyToManyField(
        USER, verbose_name=_("主管"), blank=True, related_name="supervised_queues"
    )
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("工单队列")
        verbose_name_plural = _("工单队列")
        ordering = ["code"]

    def __str__(self):
        return self.name

    @property
    def hours(self) -> WorkingHours:
        return CLOCK_HOURS[self.clock]


class Ticket(ScopedModel):
    """One request with its two service-level clocks. `unit` owns it; `scope_unit` is the unit
    whose scope sees it: the owner, or none for a sensitive queue (seen through grants only)."""

    scope_field = "scope_unit"

    queue = models.ForeignKey(Queue, verbose_name=_("队列"), on_delete=models.PROTECT, related_name="tickets")
    unit = models.ForeignKey(ORG, verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+")
    scope_unit = models.ForeignKey(
        ORG, verbose_name=_("可见单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("主题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        USER, verbose_name=_("处理人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    first_response_at = models.DateTimeField(_("首次响应时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    first_response_due = models.DateTimeField(_("首次响应期限"), null=True, blank=True)
    resolution_due = models.DateTimeField(_("解决期限"), null=True, blank=True)
    first_response_seconds = models.PositiveIntegerField(_("首次响应用时(工作秒)"), null=True, blank=True)
    resolution_seconds = models.PositiveIntegerField(_("解决用时(工作秒)"), null=True, blank=True)
    first_response_breached = models.BooleanField(_("首次响应超时"), null=True, blank=True)
    resolution_breached = models.BooleanField(_("解决超时"), null=True, blank=True)
    waiting_since = models.DateTimeField(_("等待开始"), null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("满意度(1–5)"), null=True, blank=True)
    satisfaction_note = models.CharField(_("评价"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("工单")
        verbose_name_plural = _("工单")
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["queue", "status"]), models.Index(fields=["unit", "opened_at"])]

    def __str__(self):
        # never the subject: a sensitive ticket's subject must not reach the audit log
        return f"工单 #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_waiting(self) -> bool:
        """Waiting for the caller: both clocks are paused."""
        return self.status in RESUME_FROM

    @property
    def is_resolved(self) -> bool:
        return self.status == Status.RESOLVED

    @property
    def can_respond(self) -> bool:
        return self.status in RESPOND_FROM

    @property
    def can_wait(self) -> bool:
        return self.status in WAIT_FROM

    @property
    def can_resume(self) -> bool:
        return self.status in RESUME_FROM


class TicketLinkedQuerySet(ScopedQuerySet):
    """Records that belong to a ticket (its pauses, a consultation, its call-backs) are seen by
    exactly those who see the ticket: the unit's scope and the ticket's grants. The model names
    the path to its ticket in `ticket_lookup`."""

    def for_user(self, user, *, capability: str = "view"):
        visible = Ticket.objects.for_user(user, capability=capability).values("pk")
        return self.filter(**{f"{self.model.ticket_lookup}__in": visible})._marked(SCOPED)


class TicketPause(ScopedModel):
    """A time the clocks stood still: the ticket waited for the caller."""

    scope_field = "ticket__scope_unit"
    ticket_lookup = "ticket"

    ticket = models.ForeignKey(
        Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="pauses"
    )
    started_at = models.DateTimeField(_("开始"))
    ended_at = models.DateTimeField(_("结束"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)

    objects = TicketLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单暂停")
        verbose_name_plural = _("工单暂停")
        ordering = ["started_at", "id"]

    def __str__(self):
        return f"{self.ticket} {self.started_at:%Y-%m-%d %H:%M}"


class TicketNote(ScopedModel):
    """What was done, in the worker's words: the answer given, how an alert was handled (处置情况).
    Kept with the ticket and seen by exactly those who see it; the audit entry names the note, not
    its text (a sensitive queue's words stay out of the audit log)."""

    scope_field = "ticket__scope_unit"
    ticket_lookup = "ticket"

    ticket = models.ForeignKey(Ticket, verbose_name=_("工单"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    step = models.CharField(_("环节"), max_length=20, blank=True)
    text = models.TextField(_("内容"), max_length=NOTE_MAX)
    written_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    objects = TicketLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("工单处理记录")
        verbose_name_plural = _("工单处理记录")
        ordering = ["written_at", "id"]

    def __str__(self):
        return f"{self.ticket} 记录 #{self.pk}"
