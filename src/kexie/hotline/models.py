"""热线与咨询: consultations from phone, WeChat, the web form and walk-ins, each on a ticket
(kexie.tickets) that carries its service-level clocks; expert pools by topic; call-back tasks;
attachments; an anonymised knowledge base. A consultation, its call-backs and attachments are
seen exactly by those who see its ticket (sensitive pools: members and supervisors only)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.fields import EncryptedPhoneField, MaskedPhoneField, PhoneIndexField
from kexie.core.scoping import ScopedModel
from kexie.hotline.codes import Channel, Topic
from kexie.tickets.models import TicketLinkedQuerySet

USER = settings.AUTH_USER_MODEL


class Pool(ScopedModel):
    """An expert pool (专家组) for one topic: the ticket queue its consultations go to and the
    experts the matching engine suggests from."""

    scope_field = "queue__unit"

    queue = models.ForeignKey(
        "tickets.Queue", verbose_name=_("工单队列"), on_delete=models.PROTECT, related_name="hotline_pools"
    )
    topic = models.CharField(_("咨询类别"), max_length=12, choices=Topic.choices, unique=True)
    experts = models.ManyToManyField(
        "directory.Person", verbose_name=_("专家"), blank=True, related_name="hotline_pools"
    )

    class Meta:
        verbose_name = _("专家组")
        verbose_name_plural = _("专家组")
        ordering = ["topic"]

    def __str__(self):
        return f"{self.get_topic_display()}专家组"


class Consultation(ScopedModel):
    """One consultation (咨询): who asked, about what, through which channel, and the answer."""

    scope_field = "ticket__scope_unit"
    ticket_lookup = "ticket"
    # The knowledge base shows only the anonymised question and answer of these.
    published_filter = models.Q(in_knowledge_base=True)

    ticket = models.OneToOneField(
        "tickets.Ticket", verbose_name=_("工单"), on_delete=models.PROTECT, related_name="consultation"
    )
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices, db_index=True)
    topic = models.CharField(_("咨询类别"), max_length=12, choices=Topic.choices, db_index=True)
    received_at = models.DateTimeField(_("受理时间"), db_index=True)
    # The local date of received_at: what puts a consultation in a period, a plain indexed
    # column so that figures over 100,000 consultations need no per-row date conversion.
    received_on = models.DateField(_("受理日期"), db_index=True)
    caller_name = models.CharField(_("来电人"), max_length=50, blank=True)
    caller_phone = EncryptedPhoneField(_("联系电话"), blank=True)
    caller_phone_hash = PhoneIndexField(source="caller_phone")
    caller_phone_masked = MaskedPhoneField(_("联系电话"), source="caller_phone")
    region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("所在区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    question = models.TextField(_("问题"))
    answer = models.TextField(_("解答"), blank=True)
    expert = models.ForeignKey(
        "directory.Person",
        verbose_name=_("解答专家"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_by = models.ForeignKey(
        USER, verbose_name=_("解答人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answered_at = models.DateTimeField(_("解答时间"), null=True, blank=True)
    field_visit = models.OneToOneField(
        "activities.Activity",
        verbose_name=_("现场服务活动"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hotline_consultation",
    )
    in_knowledge_base = models.BooleanField(_("收入知识库"), default=False, db_index=True)
    kb_question = models.TextField(_("知识库问题(已脱敏)"), blank=True)
    kb_answer = models.TextField(_("知识库解答(已脱敏)"), blank=True)
    created_by = models.ForeignKey(
        USER, verbose_name=_("登记人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # The ticket's service-level outcome, copied whenever a ticket service writes the ticket
    # (kexie.hotline.outcomes, on tickets' `ticket_changed`), so that the figures group this one
    # table without joining the tickets.
    resolved = models.BooleanField(_("已解决"), default=False)
    within_sla = models.BooleanField(_("时限内解决"), default=False)
    breached = models.BooleanField(_("超时"), default=False)
    satisfaction = models.PositiveSmallIntegerField(_("满意度(1–5)"), null=True, blank=True)

    objects = TicketLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询")
        verbose_name_plural = _("咨询")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["topic", "received_on"]),
            models.Index(fields=["channel", "received_on"]),
            # covers the figures' grouped query (kexie.hotline.indicators): group keys, then the day
            # and the outcome columns, so that it is scanned alone in group order
            models.Index(
                fields=[
                    "channel",
                    "topic",
                    "expert",
                    "received_on",
                    "resolved",
                    "within_sla",
                    "breached",
                    "satisfaction",
                ],
                name="hotline_cons_figures",
            ),  # fmt: skip
        ]

    def __str__(self):
        return f"咨询 #{self.pk}"


class ConsultationAttachment(ScopedModel):
    scope_field = "consultation__ticket__scope_unit"
    ticket_lookup = "consultation__ticket"

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("文件"), upload_to="hotline/%Y/%m/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    objects = TicketLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("咨询附件")
        verbose_name_plural = _("咨询附件")

    def __str__(self):
        return self.name


class Callback(ScopedModel):
    """A call-back task (回访/回电): call the caller again by `due_at`. A task due within a
    working time (`due_within`, counted from `created_at` on the office calendar) has its due
    time recomputed when the working-day calendar changes (`kexie.hotline.calendar`); a due time
    the operator gave (`due_within` empty) stays as given."""

    scope_field = "consultation__ticket__scope_unit"
    ticket_lookup = "consultation__ticket"

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("咨询"), on_delete=models.CASCADE, related_name="callbacks"
    )
    due_at = models.DateTimeField(_("回电期限"), db_index=True)
    created_at = models.DateTimeField(_("创建时间"), null=True, blank=True)
    due_within = models.DurationField(_("回电时限(工作时间)"), null=True, blank=True)
    assignee = models.ForeignKey(
        USER, verbose_name=_("回电人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(_("事由"), max_length=200, blank=True)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    outcome = models.CharField(_("回电结果"), max_length=300, blank=True)

    objects = TicketLinkedQuerySet.as_manager()

    class Meta:
        verbose_name = _("回电任务")
        verbose_name_plural = _("回电任务")
        ordering = ["due_at", "id"]

    def __str__(self):
        return f"{self.consultation} 回电"


class ResyncClaim(models.Model):
    """One row per calendar day whose hotline resync went to a background job: the job that will
    bring the day in line, while it waits. A calendar change locks the day's row before deciding
    whether to queue a job (so two changes of one day at once queue one job, not two); the job
    clears its claim under the same lock before it reads the calendar, so a change committed
    while it waited is seen, and a change after that queues a new job. A system row (no scope)."""

    day = models.DateField(_("日期"), unique=True)
    job = models.ForeignKey(
        "core.Job",
        verbose_name=_("后台任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("热线时限重算任务")
        verbose_name_plural = _("热线时限重算任务")

    def __str__(self):
        return self.day.isoformat()
