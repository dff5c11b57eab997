import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel, ScopedQuerySet


class AuditEntryQuerySet(ScopedQuerySet):
    def delete(self):
        raise PermissionDenied("审计日志只能追加,不能删除")

    def update(self, **kwargs):
        raise PermissionDenied("审计日志只能追加,不能修改")


class AuditEntry(ScopedModel):
    """One append-only audit log for every write in kexie.

    Append-only three times over: the model and queryset refuse, and database triggers
    (migration core 0003) refuse UPDATE and DELETE of a row, so no foreign key may ever
    change a row: `actor` and `unit` keep their ids without a database constraint and
    without on-delete action. Scoping uses `unit_path`, the unit's tree path stored at
    writing, so an entry stays visible to the units above after its unit is deleted.
    """

    scope_field = "unit"
    scope_path_field = "unit_path"

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_repr = models.CharField(_("操作人名称"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=80, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=80, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=300, blank=True)
    unit = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    unit_path = models.CharField(_("所属单位路径"), max_length=255, blank=True, db_index=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    changes = models.JSONField(_("变更(显示值)"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("审计日志只能追加,不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("审计日志只能追加,不能删除")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_repr} {self.action} {self.object_repr}"


class Grant(ScopedModel):
    """One object opened to one user for one capability (a judge and the entries assigned to
    them, a cadre and their own record), beyond the user's unit scope. See kexie.core.grants."""

    scope_field = "user__unit"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="grants"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    capability = models.CharField(_("权限"), max_length=40)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("授予人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("授予时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("对象授权")
        verbose_name_plural = _("对象授权")
        indexes = [models.Index(fields=["user", "content_type", "capability"])]

    def __str__(self):
        return f"{self.user} {self.capability} {self.content_type_id}:{self.object_id}"


class CapabilityLink(ScopedModel):
    """A link that carries its own right to one object and one action (an interviewer's form,
    a judge's score sheet): whoever holds the token may do that, nothing else. Only the
    token's hash is stored. See kexie.core.grants."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("对象类型"), on_delete=models.CASCADE, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(_("对象编号"))
    capability = models.CharField(_("权限"), max_length=40)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    valid_until = models.DateTimeField(_("有效期至"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    audit_exclude = ("token_hash",)

    class Meta:
        verbose_name = _("授权链接")
        verbose_name_plural = _("授权链接")

    def __str__(self):
        return f"{self.capability} {self.content_type_id}:{self.object_id}"


class Job(models.Model):
    """One piece of long work (a large import, an export) run by a background worker, with its
    progress and its result. See kexie.core.jobs; the queue itself is django-tasks' database
    backend (`task_id` names its row). A user sees their own jobs; administrators all."""

    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATES = [(QUEUED, _("排队中")), (RUNNING, _("进行中")), (DONE, _("已完成")), (FAILED, _("失败"))]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("名称"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=10, choices=STATES, default=QUEUED, db_index=True)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    done = models.PositiveBigIntegerField(_("已完成"), default=0)
    total = models.PositiveBigIntegerField(_("总数"), default=0)  # 0: not known yet
    status_line = models.CharField(_("进度说明"), max_length=200, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("失败原因"), blank=True)
    task_id = models.UUIDField(_("队列编号"), null=True, blank=True)
    worker_id = models.CharField(_("工作进程"), max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(_("运行次数"), default=0)
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    progress_at = models.DateTimeField(_("进度更新时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self):
        return self.title

    @property
    def finished(self) -> bool:
        return self.state in (self.DONE, self.FAILED)


class JobWorker(models.Model):
    """A running `kexie worker` (or the one `kexie serve` starts): its heartbeat tells /healthz the
    worker is alive and lets the other workers fail the jobs of one that died (kill -9, a crash)."""

    worker_id = models.CharField(_("工作进程"), max_length=64, primary_key=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"), auto_now_add=True)
    last_seen = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台工作进程")
        verbose_name_plural = _("后台工作进程")

    def __str__(self):
        return f"{self.hostname}:{self.pid}"


# ---------------------------------------------------------------------- shared building blocks
# (docs/building-blocks.md): certificates, check-in, notifications.


class Certificate(ScopedModel):
    """A certificate (honour, award, hours of service, training) with a code that anyone can check
    on the public page /verify/<code>/. See kexie.core.certificates."""

    scope_field = "unit"
    # Every issued certificate can be checked by its code (a revoked one shows as revoked).
    published_filter = models.Q(code__gt="")

    kind = models.CharField(_("证书类别"), max_length=40, db_index=True)
    holder_name = models.CharField(_("持证人"), max_length=100)
    title = models.CharField(_("证书名称"), max_length=200)
    unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("颁发单位"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("颁发日期"))
    body = models.JSONField(_("证书内容"), default=dict, blank=True)
    code = models.CharField(_("验证码"), max_length=12, unique=True, editable=False)
    source_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("来源类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_id = models.PositiveBigIntegerField(_("来源编号"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    revoked_reason = models.CharField(_("撤销原因"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("颁发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证书")
        verbose_name_plural = _("证书")
        ordering = ["-issued_on", "-id"]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    def __str__(self):
        return f"{self.title}({self.holder_name})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CheckinMethod(models.TextChoices):
    ROTATING = "rotating", _("现场动态码")
    SCAN = "scan", _("负责人扫码")


class CheckinSession(ScopedModel):
    """A time window in which participants check in and out (a volunteer session, a course's
    class): the code on the organiser's screen rotates every `rotate_seconds`. See
    kexie.core.checkin."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("名称"), max_length=200)
    target_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("对应对象类型"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    target_id = models.PositiveBigIntegerField(_("对应对象编号"), null=True, blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    rotate_seconds = models.PositiveSmallIntegerField(_("动态码更新间隔(秒)"), default=30)
    secret = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    audit_exclude = ("secret",)

    class Meta:
        verbose_name = _("签到场次")
        verbose_name_plural = _("签到场次")
        ordering = ["-starts_at", "-id"]

    def __str__(self):
        return self.title


class CheckinRecord(ScopedModel):
    """One person's presence at a session: check-in, and check-out once they leave. A record
    without check-out after the session ended is flagged, never counted as hours."""

    scope_field = "session__unit"

    session = models.ForeignKey(
        CheckinSession, verbose_name=_("签到场次"), on_delete=models.CASCADE, related_name="records"
    )
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+"
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    checkin_method = models.CharField(_("签到方式"), max_length=10, choices=CheckinMethod.choices)
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    checkout_method = models.CharField(
        _("签退方式"), max_length=10, choices=CheckinMethod.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        ordering = ["checked_in_at", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "person"], name="core_checkin_once")]

    def __str__(self):
        return f"{self.session} {self.person}"


class Notification(models.Model):
    """A message to one user (in-app, and by e-mail when asked). Personal, not a unit's record:
    read only through `user=request.user` (kexie.core.notifications)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("内容"), max_length=500)
    link = models.CharField(_("链接"), max_length=500, blank=True)
    kind = models.CharField(_("类别"), max_length=40, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    email_due_at = models.DateTimeField(_("邮件待发时间"), null=True, blank=True, db_index=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return self.text[:50]


class NotificationSetting(models.Model):
    """A user's quiet hours: e-mails that fall within them wait until they end."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="notification_setting",
    )
    quiet_start = models.TimeField(_("免打扰开始"), null=True, blank=True)
    quiet_end = models.TimeField(_("免打扰结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知设置")
        verbose_name_plural = _("通知设置")

    def __str__(self):
        return f"{self.user} {self.quiet_start}–{self.quiet_end}"


class HolidayOverride(models.Model):
    """A day the association's staff mark as a holiday or a working day, overriding the
    national calendar (chinesecalendar) and the weekends: a year the package does not know
    yet, a local holiday, a make-up working day (调休). Not scoped: one city-wide calendar.
    See kexie.core.workdays."""

    date = models.DateField(_("日期"), unique=True)
    is_working_day = models.BooleanField(_("工作日"))
    name = models.CharField(_("名称"), max_length=60, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("节假日调整")
        verbose_name_plural = _("节假日调整")
        ordering = ["date"]

    def __str__(self):
        kind = "工作日" if self.is_working_day else "休息日"
        return f"{self.date:%Y-%m-%d} {kind} {self.name}".strip()


class Schedule(models.Model):
    """The state of one piece of periodic work registered with `kexie.core.jobs.schedule`: when it
    runs next and the job of its latest run. The workers read and move it under a row lock, so
    that several workers start one run, never two."""

    name = models.CharField(_("名称"), max_length=100, primary_key=True)
    next_run_at = models.DateTimeField(_("下次运行时间"))
    last_run_at = models.DateTimeField(_("上次运行时间"), null=True, blank=True)
    job = models.ForeignKey(
        Job,
        verbose_name=_("最近一次任务"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("定时任务")
        verbose_name_plural = _("定时任务")

    def __str__(self):
        return self.name
