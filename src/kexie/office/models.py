"""The association's own work (机关工作): departments (处室) as units below the association,
cadres, the task list (任务清单) with progress notes, task forces (专班), meetings (学习会、碰头会、
党组会) whose decisions become tasks, cadres' execution records (干部执行力档案) and the
rulebook (制度汇编).

A department is a directory Organisation (kind "other") below the association with a
`Department` row naming its 分管领导, so scope works on it as on every unit. A cadre is a
directory Person tagged 干部 with a `Cadre` row linking the user who logs in as them."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel


class Department(ScopedModel):
    """A 处室 of the association: the unit it is, its order and its 分管领导."""

    scope_field = "unit"

    unit = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("处室"),
        on_delete=models.PROTECT,
        related_name="office_department",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("分管领导"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_departments",
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("处室")
        verbose_name_plural = _("处室")
        ordering = ("order", "id")

    def __str__(self):
        return self.unit.name


class Cadre(ScopedModel):
    """A member of the association's staff: a directory person (tagged 干部) in a department,
    and the user who logs in as them (to see their own record)."""

    scope_field = "person__unit"

    person = models.OneToOneField(
        "directory.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="cadre"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cadre",
    )
    position = models.CharField(_("职务"), max_length=60, blank=True)
    is_active = models.BooleanField(_("在岗"), default=True)
    # The staff standing at 31 December of a past year (kexie.stats, 机关在编人员): unknown dates
    # count as "always" (no joined date: since ever; no left date: while active).
    joined_on = models.DateField(_("到岗日期"), null=True, blank=True)
    left_on = models.DateField(_("离岗日期"), null=True, blank=True)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.joined_on and self.left_on and self.left_on < self.joined_on:
            raise ValidationError({"left_on": _("离岗日期不能早于到岗日期")})

    @property
    def name(self) -> str:
        """The cadre's name (their directory person's): how an import names them."""
        return self.person.name

    class Meta:
        verbose_name = _("干部")
        verbose_name_plural = _("干部")
        ordering = ("person__unit__name", "id")

    def __str__(self):
        return self.person.name


class TaskForce(ScopedModel):
    """A 专班 set up for a key piece of work: its lead department and members."""

    scope_field = "department"

    name = models.CharField(_("专班名称"), max_length=100)
    department = models.ForeignKey(
        "directory.Organisation", verbose_name=_("牵头处室"), on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.TextField(_("工作任务"), blank=True)
    lead = models.ForeignKey(
        Cadre, verbose_name=_("专班负责人"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    members = models.ManyToManyField(Cadre, verbose_name=_("成员"), blank=True, related_name="task_forces")
    set_up_on = models.DateField(_("成立日期"), default=dt.date.today)
    closed_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("专班")
        verbose_name_plural = _("专班")

    def __str__(self):
        return self.name

    @property
    def is_dissolved(self) -> bool:
        """Dissolved (撤销): no new task or change; its tasks keep naming it."""
        return self.closed_on is not None


class MeetingKind(models.TextChoices):
    STUDY = "study", _("学习会")
    BRIEFING = "briefing", _("碰头会")
    PARTY_GROUP = "party_group", _("党组会")


class Meeting(ScopedModel):
    """A meeting of the association (or of a department) with its minutes and decisions."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("召开单位"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("会议类型"), max_length=12, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    held_on = models.DateField(_("会议日期"))
    attendees = models.ManyToManyField(Cadre, verbose_name=_("参会人员"), blank=True, related_name="meetings")
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        ordering = ("-held_on", "-id")

    def __str__(self):
        return self.title


class Decision(ScopedModel):
    """One decision (议定事项) of a meeting; it becomes a task in one step."""

    scope_field = "meeting__unit"

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会议"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("议定事项"))
    order = models.PositiveSmallIntegerField(_("序号"), default=1)

    class Meta:
        verbose_name = _("议定事项")
        verbose_name_plural = _("议定事项")
        ordering = ("meeting", "order", "id")

    def __str__(self):
        return self.text[:40]


class Rule(ScopedModel):
    """A rule of the rulebook (制度汇编): number, issuing body and dates; its text lives in
    versions, the one in force on a date being the latest whose effective date has come."""

    scope_field = "unit"

    unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("所属单位"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("制度名称"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    issuing_body = models.CharField(_("制定机关"), max_length=100)
    issued_on = models.DateField(_("印发日期"))
    effective_on = models.DateField(_("施行日期"))
    repealed_on = models.DateField(_("废止日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    @property
    def name(self) -> str:
        """The rule's title: how an import names it (or by its number)."""
        return self.title

    class Meta:
        verbose_name = _("制度")
        verbose_name_plural = _("制度")
        ordering = ("issued_on", "id")

    def __str__(self):
        return f"《{self.title}》"

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_on <= day and (self.repealed_on is None or self.repealed_on > day)


class RuleVersion(ScopedModel):
    scope_field = "rule__unit"

    rule = models.ForeignKey(Rule, verbose_name=_("制度"), on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveSmallIntegerField(_("版本"))
    effective_on = models.DateField(_("本版施行日期"))
    text = models.TextField(_("全文"))
    note = models.CharField(_("修订说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("制度版本")
        verbose_name_plural = _("制度版本")
        ordering = ("rule", "version")
        constraints = [models.UniqueConstraint(fields=("rule", "version"), name="office_rule_version_unique")]

    def __str__(self):
        return f"{self.rule} 第{self.version}版"


class TaskSource(models.TextChoices):
    DECISION = "decision", _("会议议定")
    RULE = "rule", _("制度规定")
    NOTICE = "notice", _("上级通知")
    PLAN = "plan", _("年度重点工作")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("进行中")
    DONE = "done", _("已完成")
    CANCELLED = "cancelled", _("已撤销")


class Task(ScopedModel):
    """One item of the task list: who, which department, by when, and where it came from."""

    scope_field = "department"

    title = models.CharField(_("任务"), max_length=300)
    department = models.ForeignKey(
        "directory.Organisation", verbose_name=_("责任处室"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(Cadre, verbose_name=_("责任人"), on_delete=models.PROTECT, related_name="tasks")
    task_force = models.ForeignKey(
        TaskForce,
        verbose_name=_("专班"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    assigned_on = models.DateField(_("交办日期"))
    deadline = models.DateField(_("完成时限"))
    source = models.CharField(_("任务来源"), max_length=10, choices=TaskSource.choices)
    decision = models.OneToOneField(
        Decision,
        verbose_name=_("会议议定事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="task",
    )
    rule = models.ForeignKey(
        Rule,
        verbose_name=_("依据制度"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    notice = models.CharField(_("上级通知"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        ordering = ("deadline", "id")
        indexes = [models.Index(fields=("status", "deadline"), name="office_task_status_deadline")]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == TaskStatus.OPEN

    @property
    def done_late(self) -> bool:
        return self.status == TaskStatus.DONE and self.done_on is not None and self.done_on > self.deadline


class ProgressNote(ScopedModel):
    """A step reported on a task, with its evidence (a file and/or a description)."""

    scope_field = "task__department"

    task = models.ForeignKey(Task, verbose_name=_("任务"), on_delete=models.CASCADE, related_name="notes")
    on = models.DateField(_("日期"))
    text = models.TextField(_("进展情况"))
    evidence = models.FileField(_("佐证材料"), upload_to="office/evidence/%Y/", blank=True)
    evidence_note = models.CharField(_("佐证说明"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")
        ordering = ("task", "on", "id")


class AssignmentKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("疫情防控党员突击队")
    FOUR_IN = "four_in", _("“四进”攻坚行动")
    SECONDMENT = "secondment", _("借调")
    OTHER = "other", _("其他")


class OutsideAssignment(ScopedModel):
    """Work a cadre did outside the office (the epidemic task force, 四进, a secondment)."""

    scope_field = "cadre__person__unit"

    cadre = models.ForeignKey(
        Cadre, verbose_name=_("干部"), on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(_("类别"), max_length=12, choices=AssignmentKind.choices)
    title = models.CharField(_("工作内容"), max_length=200)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("外派任务")
        verbose_name_plural = _("外派任务")
        ordering = ("start_on", "id")


class ExecutionRecord(ScopedModel):
    """A cadre's execution record (干部执行力档案) for a year. The task figures are computed
    from the task list (kexie.office.records), never stored; this row holds the words."""

    scope_field = "cadre__person__unit"

    cadre = models.ForeignKey(Cadre, verbose_name=_("干部"), on_delete=models.PROTECT, related_name="records")
    year = models.PositiveSmallIntegerField(_("年度"))
    own_notes = models.TextField(_("个人小结"), blank=True)
    assessment = models.TextField(_("领导评价"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assessed_on = models.DateField(_("评价日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("干部执行力档案")
        verbose_name_plural = _("干部执行力档案")
        ordering = ("-year", "cadre_id")
        constraints = [models.UniqueConstraint(fields=("cadre", "year"), name="office_record_cadre_year")]

    def __str__(self):
        return f"{self.cadre} {self.year}年执行力档案"
