"""One engine for every call (征集/评选/大赛): call → entries → formal check → decision → 公示 →
results. A call's entry form, eligibility rules, quotas and prize levels are data on the call
(`form_fields`, `eligibility`, `prize_levels`, `UnitQuota`), never code per call."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.calls.codes import (
    CallKind,
    CallStatus,
    ConflictKind,
    EntrantKind,
    EntryStatus,
    MemberRole,
    ObjectionStatus,
    ObjectorKind,
    Outcome,
    SchoolStage,
)
from kexie.core.fields import EncryptedPhoneField, MaskedPhoneField, PhoneIndexField
from kexie.core.scoping import ScopedModel, ScopedQuerySet, path_ids, unit_filter, unit_path_of
from kexie.directory.codes import DesignationLevel
from kexie.directory.models import Organisation, Person


class CallQuerySet(ScopedQuerySet):
    def for_user(self, user, *, capability: str = "view"):
        """Read ("view"): the calls of the user's scope, and the calls (not drafts) of the units
        above the user's unit, to which it recommends. Any other capability: own scope only."""
        own = super().for_user(user, capability=capability)
        path = unit_path_of(user)
        if capability != "view" or not path:
            return own
        above = path_ids(path)
        return own | self.filter(organiser_id__in=above).exclude(status=CallStatus.DRAFT)


class Call(ScopedModel):
    """A call for entries: 2020年济宁市表现突出科技工作者, 第19届济宁市青少年科技创新大赛."""

    scope_field = "organiser"
    # 公示 pages and public registration: open calls that take public entries, and every call
    # whose results are on notice or final.
    published_filter = models.Q(status__in=[CallStatus.NOTICE, CallStatus.FINAL]) | models.Q(
        status=CallStatus.OPEN, is_public=True
    )

    title = models.CharField(_("名称"), max_length=200, unique=True)
    kind = models.CharField(_("类别"), max_length=20, choices=CallKind.choices)
    entrant_kind = models.CharField(
        _("参评对象"), max_length=10, choices=EntrantKind.choices, default=EntrantKind.PERSON
    )
    series = models.CharField(
        _("评选系列"),
        max_length=100,
        blank=True,
        help_text=_("历届相同,如“优秀科技工作者”;用于“往届获奖者”规则"),
    )
    edition = models.PositiveSmallIntegerField(_("届次"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    organiser = models.ForeignKey(
        Organisation, verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="organised_calls"
    )
    honour_level = models.CharField(
        _("荣誉级别"), max_length=10, choices=DesignationLevel.choices, default=DesignationLevel.CITY,
        help_text=_("结果登记为荣誉时的级别;向上推荐填上级评选的级别"),
    )  # fmt: skip
    higher_body = models.CharField(
        _("上级评选单位"), max_length=100, blank=True, help_text=_("向上推荐时填写,如“山东省科协”")
    )
    # The path up (county → city → province → national): winners are recommended to the
    # higher contest within `higher_quota`; `higher_call` when the higher contest is itself a
    # call of this system (a county's contest recommends into the city's), where the higher
    # call's unit quota applies as well.
    higher_call = models.ForeignKey(
        "self", verbose_name=_("上级竞赛(本系统)"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="lower_calls",
    )  # fmt: skip
    higher_level = models.CharField(
        _("上级竞赛级别"), max_length=10, choices=DesignationLevel.choices, blank=True
    )
    higher_quota = models.PositiveIntegerField(_("向上推荐名额"), null=True, blank=True)
    opens_on = models.DateField(_("征集开始"))
    closes_on = models.DateField(_("征集截止"))
    review_on = models.DateField(_("评审日期"), null=True, blank=True)
    notice_days = models.PositiveSmallIntegerField(_("公示期(工作日)"), default=5)
    notice_starts_on = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends_on = models.DateField(_("公示截止"), null=True, blank=True)
    form_fields = models.JSONField(_("申报表字段"), default=list, blank=True)
    eligibility = models.JSONField(_("资格条件"), default=list, blank=True)
    quota = models.PositiveIntegerField(_("总名额"), null=True, blank=True)
    prize_levels = models.JSONField(_("奖项等级"), default=list, blank=True)
    is_public = models.BooleanField(_("开放公开报名"), default=False)
    is_blind = models.BooleanField(_("匿名评审"), default=False)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=CallStatus.choices, default=CallStatus.DRAFT)
    finalised_at = models.DateTimeField(_("结果确定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = _("征集评选")
        verbose_name_plural = _("征集评选")
        ordering = ["-year", "-id"]

    def __str__(self):
        return self.title

    @property
    def on_notice(self) -> bool:
        return self.status == CallStatus.NOTICE

    @property
    def is_final(self) -> bool:
        return self.status == CallStatus.FINAL

    @property
    def is_public_notice(self) -> bool:
        return self.status in (CallStatus.NOTICE, CallStatus.FINAL)

    def prize_label(self, code: str) -> str:
        return next((p.get("label", code) for p in self.prize_levels if p.get("code") == code), code)


class UnitQuota(ScopedModel):
    """How many entries a unit (and the units below it) may recommend to a call."""

    scope_field = "call__organiser"

    call = models.ForeignKey(
        Call, verbose_name=_("征集评选"), on_delete=models.CASCADE, related_name="quotas"
    )
    unit = models.ForeignKey(
        Organisation, verbose_name=_("推荐单位"), on_delete=models.CASCADE, related_name="+"
    )
    quota = models.PositiveIntegerField(_("名额"))

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        constraints = [models.UniqueConstraint(fields=["call", "unit"], name="unit_quota_unique")]

    def __str__(self):
        return f"{self.call} · {self.unit}: {self.quota}"


class InstitutionAlias(models.Model):
    """Another spelling of an institution (济宁医学院 / 济宁医学院(本部)), so that counting
    universities counts organisations, not spellings. Reference data for every unit."""

    alias = models.CharField(_("别名"), max_length=200, unique=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="aliases"
    )

    class Meta:
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")
        ordering = ["alias"]

    def __str__(self):
        return f"{self.alias} → {self.organisation}"


class EntryQuerySet(ScopedQuerySet):
    def for_user(self, user, *, capability: str = "view"):
        """The entries the user's units submitted, and every entry of the calls the user's units
        organise (a county's recommendation to the city's call is the city's to review)."""
        own = super().for_user(user, capability=capability)
        path = unit_path_of(user)
        if not path:
            return own
        return own | self.filter(unit_filter("call__organiser", path))


class Entry(ScopedModel):
    """An entry (申报/推荐/参赛作品) to a call, by a person, a unit, a project or a team."""

    scope_field = "submitting_unit"

    call = models.ForeignKey(
        Call, verbose_name=_("征集评选"), on_delete=models.PROTECT, related_name="entries"
    )
    code = models.CharField(_("编号"), max_length=40, unique=True)
    title = models.CharField(_("名称"), max_length=200, help_text=_("作品、项目或参评人的名称"))
    person = models.ForeignKey(
        Person,
        verbose_name=_("参评人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("参评单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries_as_entrant",
    )
    entrant_name = models.CharField(_("参评人/单位名称"), max_length=200, blank=True)
    institution = models.ForeignKey(
        Organisation,
        verbose_name=_("所在单位/学校"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entries_from",
    )
    institution_name = models.CharField(_("所在单位/学校(填写)"), max_length=200, blank=True)
    province = models.CharField(_("省份"), max_length=20, blank=True)
    answers = models.JSONField(_("申报内容"), default=dict, blank=True)
    submitting_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("推荐/报送单位"),
        on_delete=models.PROTECT,
        related_name="submitted_entries",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=EntryStatus.choices, default=EntryStatus.DRAFT
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    prize = models.CharField(_("奖项等级"), max_length=30, blank=True)
    higher_result = models.CharField(
        _("上级评选结果"), max_length=60, blank=True, help_text=_("如“省赛一等奖”“获批”“未入选”")
    )
    higher_prize = models.CharField(_("上级奖项等级"), max_length=30, blank=True)
    recommended_at = models.DateTimeField(_("向上推荐时间"), null=True, blank=True)
    recommended_from = models.OneToOneField(
        "self", verbose_name=_("下级推荐来源"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="recommended_as",
    )  # fmt: skip
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # "|p12|t<phone hash>|" — one key per natural person or unit of the entry, for the
    # "one entry per person" and "earlier winners" rules (hashes only, never a phone).
    identity_keys = models.TextField(blank=True, editable=False, default="")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("identity_keys",)

    objects = EntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报")
        verbose_name_plural = _("申报")
        ordering = ["call", "code"]
        indexes = [models.Index(fields=["call", "status"], name="entry_call_status")]

    def __str__(self):
        return f"{self.code} {self.title}"

    @property
    def entrant_display(self) -> str:
        return str(self.person or self.organisation or self.entrant_name or self.title)

    @property
    def institution_display(self) -> str:
        return str(self.institution or self.institution_name or "")

    @property
    def is_returned(self) -> bool:
        return self.status == EntryStatus.RETURNED

    @property
    def prize_display(self) -> str:
        return self.call.prize_label(self.prize) if self.prize else ""

    @property
    def is_recommended_up(self) -> bool:
        return self.recommended_at is not None


class HigherResult(ScopedModel):
    """A higher contest's result fed back for an entry, one per level (省赛一等奖, 国赛二等奖):
    the path city → province → national leaves one row per level reached."""

    scope_field = "entry__submitting_unit"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="higher_results")
    level = models.CharField(_("上级竞赛级别"), max_length=10, choices=DesignationLevel.choices)
    body = models.CharField(_("上级评选单位"), max_length=100, blank=True)
    result = models.CharField(_("结果"), max_length=60)
    prize = models.CharField(_("奖项等级"), max_length=30, blank=True)
    recorded_on = models.DateField(_("登记日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Passed down the path: the same result recorded on the entry this one was recommended as (a
    # county's entry learns the national result of the city's entry it became); counted once, there.
    source = models.ForeignKey(
        "self", verbose_name=_("转自"), null=True, blank=True, on_delete=models.CASCADE, related_name="copies"
    )

    class Meta:
        verbose_name = _("上级竞赛结果")
        verbose_name_plural = _("上级竞赛结果")
        ordering = ["entry", "level"]
        constraints = [models.UniqueConstraint(fields=["entry", "level"], name="higher_result_unique")]

    def __str__(self):
        return f"{self.entry.code} {self.get_level_display()} {self.result}"


def entry_file_path(instance: "EntryFile", filename: str) -> str:
    # Never the uploader's name on disk: a random stem and the checked extension.
    return f"calls/entries/{instance.entry.call_id}/{instance.stored_name}"


class EntryFile(ScopedModel):
    """A file of a `file` field of the call's entry form. Stored under a random name; the
    uploader's name is kept (sanitised) for the entrant and handlers, while judges of a blind
    call see `<code>-<field>.<ext>` and a copy without author metadata."""

    scope_field = "entry__submitting_unit"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="files")
    field = models.CharField(_("申报表字段"), max_length=40)
    file = models.FileField(_("文件"), upload_to=entry_file_path, max_length=300)
    stored_name = models.CharField(max_length=80, editable=False)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(_("大小(字节)"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    audit_exclude = ("file", "stored_name")

    class Meta:
        verbose_name = _("申报附件")
        verbose_name_plural = _("申报附件")
        ordering = ["entry", "field", "id"]
        constraints = [models.UniqueConstraint(fields=["entry", "field"], name="entry_file_unique")]

    def __str__(self):
        return f"{self.entry.code} {self.original_name}"

    @property
    def extension(self) -> str:
        return "." + self.stored_name.rsplit(".", 1)[-1] if "." in self.stored_name else ""

    @property
    def blind_name(self) -> str:
        return f"{self.entry.code}-{self.field}{self.extension}"


class EntryMember(ScopedModel):
    """A team member or adviser of an entry."""

    scope_field = "entry__submitting_unit"

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("角色"), max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    name = models.CharField(_("姓名"), max_length=50)
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    school_stage = models.CharField(_("学段"), max_length=12, choices=SchoolStage.choices, blank=True)
    occupation = models.CharField(_("职业/身份"), max_length=60, blank=True)
    institution = models.ForeignKey(
        Organisation,
        verbose_name=_("单位/学校"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    institution_name = models.CharField(_("单位/学校(填写)"), max_length=200, blank=True)
    phone = EncryptedPhoneField(_("手机号码"), blank=True)
    phone_hash = PhoneIndexField(source="phone")
    phone_masked = MaskedPhoneField(_("手机号码"), source="phone")
    guardian_name = models.CharField(_("监护人"), max_length=50, blank=True)
    guardian_consent_at = models.DateTimeField(_("监护人同意时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("成员")
        verbose_name_plural = _("成员")
        ordering = ["entry", "role", "id"]

    def __str__(self):
        return self.name


class EntryDecision(ScopedModel):
    """The committee's decision on an entry, with its recorded votes (评审委员会表决)."""

    scope_field = "entry__call__organiser"

    entry = models.OneToOneField(Entry, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField(_("决定"), max_length=10, choices=Outcome.choices)
    prize = models.CharField(_("奖项等级"), max_length=30, blank=True)
    votes_for = models.PositiveSmallIntegerField(_("赞成票"))
    votes_against = models.PositiveSmallIntegerField(_("反对票"), default=0)
    votes_abstain = models.PositiveSmallIntegerField(_("弃权票"), default=0)
    meeting = models.CharField(_("会议"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评审决定")
        verbose_name_plural = _("评审决定")

    def __str__(self):
        return f"{self.entry}: {self.get_outcome_display()}"


def seal_path(instance: "Objection", filename: str) -> str:
    return f"calls/objections/{instance.call_id}/{filename}"


class Objection(ScopedModel):
    """A written objection (异议) to a 公示, by real name or with a unit's seal. The objector's
    identity is shown only to the handlers (reviewers of the organiser's scope)."""

    scope_field = "call__organiser"

    call = models.ForeignKey(
        Call, verbose_name=_("征集评选"), on_delete=models.CASCADE, related_name="objections"
    )
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("异议对象"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="objections",
    )
    text = models.TextField(_("异议内容"))
    objector_kind = models.CharField(_("提出方式"), max_length=10, choices=ObjectorKind.choices)
    objector_name = models.CharField(_("姓名"), max_length=50)
    objector_unit = models.CharField(_("单位"), max_length=200, blank=True)
    phone = EncryptedPhoneField(_("联系电话"), blank=True)
    phone_hash = PhoneIndexField(source="phone")
    phone_masked = MaskedPhoneField(_("联系电话"), source="phone")
    seal = models.FileField(_("加盖公章的书面材料"), upload_to=seal_path, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.PENDING
    )
    decision = models.TextField(_("处理意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    filed_at = models.DateTimeField(_("提出时间"), auto_now_add=True)

    # The audit log names no objector: the entry carries only the object and the text's length.
    audit_exclude = ("objector_name", "objector_unit", "seal", "text")

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["call", "filed_at"]

    def __str__(self):
        return f"{self.call} 异议 #{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.status == ObjectionStatus.PENDING


# ---------------------------------------------------------------------- expert review (专家评审)


class ReviewRound(ScopedModel):
    """One round of expert review of a call (初赛/复赛/决赛), with its own judges, rubric and
    scores. The rubric (`criteria`) and the advancement rule (`advance_rule`) are data:
    criteria `[{"code", "label", "weight", "max"}]`; rule `{"top": N}` or `{"threshold": x}`."""

    scope_field = "call__organiser"

    call = models.ForeignKey(
        Call, verbose_name=_("征集评选"), on_delete=models.CASCADE, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("轮次"))
    name = models.CharField(_("名称"), max_length=40, help_text=_("如“初赛”“复赛”“决赛”"))
    per_entry = models.PositiveSmallIntegerField(_("每件评委数"), default=3)
    min_load = models.PositiveSmallIntegerField(_("每位评委最少件数"), default=0)
    max_load = models.PositiveSmallIntegerField(_("每位评委最多件数"), default=30)
    criteria = models.JSONField(_("评分标准"), default=list, blank=True)
    advance_rule = models.JSONField(_("晋级规则"), default=dict, blank=True)
    ranking_method = models.CharField(_("排序方法"), max_length=12, default="calibrated")
    due_on = models.DateField(_("评分截止"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("分配时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审轮次")
        verbose_name_plural = _("评审轮次")
        ordering = ["call", "number"]
        constraints = [models.UniqueConstraint(fields=["call", "number"], name="review_round_unique")]

    def __str__(self):
        return f"{self.call} · {self.name}"

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class RoundEntry(ScopedModel):
    """An entry taking part in a round; `advanced` is set when the round closes."""

    scope_field = "round__call__organiser"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="round_entries")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="round_entries")
    score = models.FloatField(_("本轮得分"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("本轮名次"), null=True, blank=True)
    advanced = models.BooleanField(_("晋级"), null=True, blank=True)

    class Meta:
        verbose_name = _("轮次作品")
        verbose_name_plural = _("轮次作品")
        ordering = ["round", "entry"]
        constraints = [models.UniqueConstraint(fields=["round", "entry"], name="round_entry_unique")]

    def __str__(self):
        return f"{self.round} · {self.entry}"


class RoundJudge(ScopedModel):
    """A judge of a round: a person of the directory (an expert) and the account they sign in
    with to score. `expertise` feeds the affinity (default: the person's profile)."""

    scope_field = "round__call__organiser"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="judges")
    person = models.ForeignKey(
        Person, verbose_name=_("评审专家"), on_delete=models.PROTECT, related_name="judgings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        on_delete=models.PROTECT,
        related_name="judgings",
    )
    expertise = models.TextField(_("专业方向"), blank=True)

    class Meta:
        verbose_name = _("评委")
        verbose_name_plural = _("评委")
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["round", "person"], name="round_judge_person_unique"),
            models.UniqueConstraint(fields=["round", "user"], name="round_judge_user_unique"),
        ]

    def __str__(self):
        return str(self.person)


class JudgeConflict(ScopedModel):
    """A pair that must not be made, beyond those the data shows (same institution, own
    nominee): a relation the judge declared (申报的利害关系) or the organiser's list (回避名单)."""

    scope_field = "judge__round__call__organiser"

    judge = models.ForeignKey(RoundJudge, on_delete=models.CASCADE, related_name="conflicts")
    entry = models.ForeignKey(Entry, verbose_name=_("作品"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("回避类型"), max_length=10, choices=ConflictKind.choices)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("回避")
        verbose_name_plural = _("回避")
        constraints = [models.UniqueConstraint(fields=["judge", "entry"], name="judge_conflict_unique")]

    def __str__(self):
        return f"{self.judge} × {self.entry}"


class JudgeAssignment(ScopedModel):
    """An entry given to a judge in a round, with the affinity and why the pair was made."""

    scope_field = "round__call__organiser"

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="assignments")
    judge = models.ForeignKey(RoundJudge, on_delete=models.CASCADE, related_name="assignments")
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="assignments")
    affinity = models.FloatField(_("亲和度"), default=0)
    explanation = models.TextField(_("分配理由"), blank=True)
    values = models.JSONField(_("各项评分"), default=dict, blank=True)
    total = models.FloatField(_("总分"), null=True, blank=True)
    comment = models.TextField(_("评语"), blank=True)
    scored_at = models.DateTimeField(_("评分时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审分配")
        verbose_name_plural = _("评审分配")
        ordering = ["round", "judge", "entry"]
        constraints = [
            models.UniqueConstraint(fields=["round", "judge", "entry"], name="judge_assignment_unique")
        ]

    def __str__(self):
        return f"{self.judge} · {self.entry.code}"

    @property
    def is_scored(self) -> bool:
        return self.scored_at is not None
