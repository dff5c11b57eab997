"""Volunteers, their teams and service records (《志愿服务记录与证明出具办法(试行)》), and
training courses. A volunteer is a directory Person with a profile; a team is a directory
Organisation; every service session and every course is a ledger Activity, so an indicator
counts each event once."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from kexie.core import crypto
from kexie.core.masking import mask_id_number
from kexie.core.scoping import ScopedModel


class IdType(models.TextChoices):
    RESIDENT = "resident", _("居民身份证")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class ServiceCategory(models.TextChoices):
    SCIENCE_OUTREACH = "science_outreach", _("科普宣传")
    PSYCHOLOGICAL = "psychological", _("心理援助")
    ANTI_CULT = "anti_cult", _("反邪教")
    EMERGENCY = "emergency", _("应急救援")
    MEDICAL = "medical", _("医疗卫生")
    COMMUNITY = "community", _("社区服务")
    RURAL = "rural", _("科技助农")
    OTHER = "other", _("其他")


class RecordSource(models.TextChoices):
    CHECKIN = "checkin", _("现场签到")
    TEAM = "team", _("团队录入")
    SELF = "self", _("本人申报")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    RECORDED = "recorded", _("已记录")
    DECLINED = "declined", _("未通过")


# The states a record can still be approved or declined from (services and templates ask this).
REVIEWABLE = (RecordStatus.PENDING,)


class VolunteerProfile(ScopedModel):
    """What a directory person lacks to be a registered volunteer. The ID number is stored
    like Person's: encrypted, with a keyed hash for look-ups and its mask for display."""

    scope_field = "person__unit"

    person = models.OneToOneField(
        "directory.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="volunteer_profile"
    )
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    id_type = models.CharField(_("证件类型"), max_length=12, choices=IdType.choices, default=IdType.RESIDENT)
    id_number_encrypted = models.TextField(blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证件号码"), max_length=24, blank=True, editable=False)
    residence_region = models.ForeignKey(
        "directory.Region",
        verbose_name=_("居住区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    skills = models.CharField(_("专业技能"), max_length=200, blank=True)
    service_category = models.CharField(
        _("服务类别"),
        max_length=20,
        choices=ServiceCategory.choices,
        default=ServiceCategory.SCIENCE_OUTREACH,
    )
    teams = models.ManyToManyField(
        "volunteers.VolunteerTeam", verbose_name=_("所在团队"), blank=True, related_name="members"
    )
    registered_on = models.DateField(_("注册日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("id_number_encrypted", "id_number_hash")

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        ordering = ["person__name", "id"]

    def __str__(self):
        return str(self.person)

    def set_id_number(self, value: str) -> None:
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.blind_index(value)
        self.id_number_masked = mask_id_number(value)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)


class VolunteerTeam(ScopedModel):
    """A volunteer team: a directory organisation, with its service category and leader."""

    scope_field = "organisation"

    organisation = models.OneToOneField(
        "directory.Organisation",
        verbose_name=_("团队"),
        on_delete=models.PROTECT,
        related_name="volunteer_team",
    )
    service_category = models.CharField(_("服务类别"), max_length=20, choices=ServiceCategory.choices)
    leader = models.ForeignKey(
        "directory.Person",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    founded_on = models.DateField(_("成立日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    @property
    def name(self) -> str:
        """The team's name (its organisation's): how an import names it."""
        return self.organisation.name

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        ordering = ["organisation__name"]

    def __str__(self):
        return str(self.organisation)


class ServiceRecord(ScopedModel):
    """One volunteer's service at one ledger activity on one day. Declined entries stay with
    their reason; only `recorded` ones count hours."""

    scope_field = "organising_unit"

    volunteer = models.ForeignKey(
        VolunteerProfile, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="records"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        verbose_name=_("服务活动"),
        on_delete=models.PROTECT,
        related_name="service_records",
    )
    team = models.ForeignKey(
        VolunteerTeam,
        verbose_name=_("志愿服务队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    served_on = models.DateField(_("服务日期"))
    place = models.CharField(_("服务地点"), max_length=200)
    content = models.CharField(_("服务内容"), max_length=300)
    hours = models.DecimalField(
        _("服务时长(小时)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("24"))],
    )
    organising_unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="+"
    )
    responsible_person = models.ForeignKey(
        "directory.Person",
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.ForeignKey(
        "directory.Region",
        verbose_name=_("县(市、区)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    source = models.CharField(_("记录方式"), max_length=10, choices=RecordSource.choices)
    status = models.CharField(_("状态"), max_length=10, choices=RecordStatus.choices, db_index=True)
    decline_reason = models.CharField(_("未通过原因"), max_length=300, blank=True)
    checkin_record = models.OneToOneField(
        "core.CheckinRecord",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="service_record",
        editable=False,
    )
    recorded_on = models.DateField(_("录入日期"))
    is_late = models.BooleanField(_("逾期录入"), default=False, help_text=_("服务结束后超过10个工作日录入"))
    created_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿服务记录")
        verbose_name_plural = _("志愿服务记录")
        ordering = ["-served_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer", "activity", "served_on"],
                condition=~models.Q(status="declined"),
                name="service_record_once_per_day",
                violation_error_message=_("该志愿者当天在此活动已有服务记录"),
            )
        ]
        indexes = [models.Index(fields=["status", "served_on"], name="service_record_status_day")]

    def __str__(self):
        return f"{self.volunteer} · {self.activity} · {self.served_on}"

    @property
    def is_reviewable(self) -> bool:
        """Still awaiting approval or decline (the rule the review services pass to transition)."""
        return self.status in REVIEWABLE

    @property
    def is_editable(self) -> bool:
        """Pending and recorded entries can be corrected; a declined one stays as declined."""
        return self.status != RecordStatus.DECLINED

    @property
    def is_recorded(self) -> bool:
        return self.status == RecordStatus.RECORDED


# ---------------------------------------------------------------------- training


class CourseKind(models.TextChoices):
    RURAL = "rural", _("科普惠农培训")
    EXPERT_LECTURE = "expert_lecture", _("专家讲座")
    PARTY = "party", _("党建培训班")
    OTHER = "other", _("其他培训")


class Course(ScopedModel):
    """A training course: a ledger activity (counted once) with trainers from the directory."""

    scope_field = "activity__reporting_unit"

    activity = models.OneToOneField(
        "activities.Activity", verbose_name=_("活动"), on_delete=models.PROTECT, related_name="course"
    )
    kind = models.CharField(_("培训类别"), max_length=20, choices=CourseKind.choices)
    trainers = models.ManyToManyField(
        "directory.Person", verbose_name=_("授课人"), blank=True, related_name="+"
    )
    required_sessions = models.PositiveSmallIntegerField(
        _("结业所需出勤次数"), default=1, validators=[MinValueValidator(1)]
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-activity__start_date", "-id"]

    def __str__(self):
        return self.activity.title


class CourseSession(ScopedModel):
    """One class of a course; attendance is the check-in session's records."""

    scope_field = "course__activity__reporting_unit"

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.CASCADE, related_name="sessions"
    )
    checkin_session = models.OneToOneField(
        "core.CheckinSession",
        verbose_name=_("签到场次"),
        on_delete=models.PROTECT,
        related_name="course_session",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering = ["checkin_session__starts_at", "id"]

    def __str__(self):
        return str(self.checkin_session)


class Enrolment(ScopedModel):
    """A person's place on a course: one per person and course, so a person counts once."""

    scope_field = "course__activity__reporting_unit"

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="enrolments"
    )
    person = models.ForeignKey(
        "directory.Person", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrolments"
    )
    completed_on = models.DateField(_("结业日期"), null=True, blank=True, editable=False)
    leader_of = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("担任负责人的农技协"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    certificate = models.OneToOneField(
        "core.Certificate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训学员")
        verbose_name_plural = _("培训学员")
        ordering = ["course", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                name="enrolment_once_per_course",
                violation_error_message=_("该学员已报名此课程"),
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.course}"


# ---------------------------------------------------------------------- hours summary


class SummaryDimension(models.TextChoices):
    PERSON = "person", _("志愿者")
    TEAM = "team", _("志愿服务队")
    COUNTY = "county", _("县(市、区)")


class HoursSummary(ScopedModel):
    """Recorded hours added up per organising unit, year and volunteer, team or county: what
    the hours totals read instead of every record. The services that make a record count
    (`recorded`) add to it in the same transaction; `kexie.volunteers.summary` rebuilds it from
    the records and proves both agree. Each key has a row per year and one for all years
    together (year 0), so totals over every year read one row per key. Year totals are the sum of the county rows (every record
    has exactly one county row, its county or none)."""

    scope_field = "organising_unit"

    organising_unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("组织单位"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("0:各年合计"))
    dimension = models.CharField(_("汇总维度"), max_length=8, choices=SummaryDimension.choices)
    volunteer = models.ForeignKey(
        VolunteerProfile, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(VolunteerTeam, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    county = models.ForeignKey(
        "directory.Region", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    hours = models.DecimalField(_("服务时长(小时)"), max_digits=14, decimal_places=2, default=0)
    entries = models.PositiveIntegerField(_("记录条数"), default=0)

    class Meta:
        verbose_name = _("志愿服务时长汇总")
        verbose_name_plural = _("志愿服务时长汇总")
        constraints = [
            models.UniqueConstraint(
                "organising_unit",
                "year",
                "dimension",
                Coalesce("volunteer", Value(0)),
                Coalesce("team", Value(0)),
                Coalesce("county", Value(0)),
                name="hours_summary_one_row_per_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["dimension", "year", "volunteer", "team", "county", "hours", "entries"],
                name="hours_summary_covering",
            )
        ]

    def __str__(self):
        return f"{self.year} {self.dimension} {self.hours}"


class EvaluationRating(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class VolunteerEvaluation(ScopedModel):
    """An evaluation on a volunteer's record (《志愿服务记录与证明出具办法(试行)》: the record
    holds the volunteer's training, honours and evaluations): a unit's rating of the volunteer's
    service over a period, with its comments, dated. Scoped by the evaluating unit; written by
    `services.volunteer_evaluation_add` / `_withdraw` with audit."""

    scope_field = "unit"

    volunteer = models.ForeignKey(
        VolunteerProfile, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="evaluations"
    )
    unit = models.ForeignKey(
        "directory.Organisation", verbose_name=_("评价单位"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(
        _("评价年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    rating = models.CharField(_("评价等次"), max_length=12, choices=EvaluationRating.choices)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    evaluated_on = models.DateField(_("评价日期"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("志愿者评价")
        verbose_name_plural = _("志愿者评价")
        ordering = ["-year", "-evaluated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                "volunteer", "unit", "year", name="volunteer_evaluation_one_per_unit_year"
            )
        ]

    def __str__(self):
        return f"{self.volunteer} {self.year} {self.get_rating_display()}"


class PersonHoursTotal(ScopedModel):
    """A volunteer's recorded hours as one scope level sees them, in the order the hours pages
    sort by: for every unit on the organising unit's path (`scope_unit`, the unit and each unit
    above it) and for the whole city (`scope_unit` empty: a superuser), per year and for all
    years together (year 0). A user's page reads the rows of their own unit (a superuser's the
    city's): an index range in (hours desc, name, id) or (name, id) order, whatever the offset.
    Kept exactly in step by `kexie.volunteers.summary.count` (the same service writes that keep
    `HoursSummary`), rebuilt with it, compared with the records by `summary.differences()`; the
    person's name follows a rename (`summary.on_person_saved`). A row whose entries fall to 0 is
    deleted, so every row counts."""

    scope_field = "scope_unit"

    scope_unit = models.ForeignKey(
        "directory.Organisation",
        verbose_name=_("统计范围单位"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    year = models.PositiveSmallIntegerField(_("年度"), help_text=_("0:各年合计"))
    volunteer = models.ForeignKey(VolunteerProfile, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("姓名"), max_length=100)
    cents = models.BigIntegerField(_("服务时长(百分之一小时)"), default=0)
    entries = models.PositiveIntegerField(_("记录条数"), default=0)

    class Meta:
        verbose_name = _("志愿者服务时长合计")
        verbose_name_plural = _("志愿者服务时长合计")
        constraints = [
            models.UniqueConstraint(
                Coalesce("scope_unit", Value(0)), "year", "volunteer", name="person_hours_total_one_per_key"
            )
        ]
        indexes = [
            models.Index(
                fields=["scope_unit", "year", "-cents", "name", "volunteer", "entries"],
                name="person_hours_by_hours",
            ),
            models.Index(
                fields=["scope_unit", "year", "name", "volunteer", "cents", "entries"],
                name="person_hours_by_name",
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.year} {self.cents}"
