"""The literacy survey: questionnaire, sampling frame, interviewers, responses, census margins."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core.scoping import ScopedModel
from kexie.directory.models import Organisation
from kexie.literacy import scoring as rules
from kexie.literacy.codes import Background, Dimension, QuestionKind, Source, Status


class Survey(ScopedModel):
    """One civic scientific literacy survey (公民科学素质调查), owned by a unit."""

    scope_field = "unit"

    unit = models.ForeignKey(
        Organisation, verbose_name=_("负责单位"), on_delete=models.PROTECT, related_name="literacy_surveys"
    )
    name = models.CharField(_("名称"), max_length=120)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    area_name = models.CharField(_("调查地区"), max_length=60, blank=True)
    description = models.TextField(_("说明"), blank=True)
    literate_threshold = models.FloatField(_("具备科学素质分数线"), default=70.0)
    threshold_inclusive = models.BooleanField(
        _("分数线含本数(≥)"), default=False, help_text=_("勾选为“≥分数线”,否则为“>分数线”")
    )
    scoring = models.JSONField(_("计分设置"), default=dict, blank=True)
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), default=69)
    # Estimates are cached: services bump data_version when responses, margins or the design
    # change, and the results are recomputed when results_version lags behind.
    data_version = models.PositiveIntegerField(default=0, editable=False)
    results_version = models.PositiveIntegerField(default=0, editable=False)
    results = models.JSONField(default=dict, blank=True, editable=False)
    results_at = models.DateTimeField(_("估计时间"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("results", "data_version", "results_version", "results_at")

    class Meta:
        verbose_name = _("科学素质调查")
        verbose_name_plural = _("科学素质调查")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "name"], name="literacy_survey_unit_name_unique")
        ]

    def __str__(self):
        return self.name

    def scoring_config(self) -> rules.ScoringConfig:
        data = dict(self.scoring or {})
        data["literate_threshold"] = self.literate_threshold
        return rules.ScoringConfig.from_dict(data, inclusive=self.threshold_inclusive)

    @property
    def threshold_sign(self) -> str:
        return "≥" if self.threshold_inclusive else ">"


class Question(ScopedModel):
    """A questionnaire item: scored (dimension, answer key, points) or background (sex, age…)."""

    scope_field = "survey__unit"

    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(_("题号"), max_length=20)
    order = models.PositiveSmallIntegerField(_("顺序"))
    text = models.TextField(_("题目"))
    kind = models.CharField(_("题型"), max_length=12, choices=QuestionKind.choices)
    dimension = models.CharField(_("维度"), max_length=12, choices=Dimension.choices, blank=True)
    background = models.CharField(_("背景项"), max_length=12, choices=Background.choices, blank=True)
    options = models.JSONField(_("选项"), default=list, blank=True, help_text=_("[[键, 文字], …]"))
    answer = models.JSONField(_("答案"), default=list, blank=True)
    points = models.FloatField(_("分值"), default=1.0)

    class Meta:
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="literacy_question_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.text[:30]}"

    @property
    def is_scored(self) -> bool:
        return not self.background

    @property
    def option_keys(self) -> list[str]:
        return [str(key) for key, _label in self.options]

    def as_item(self) -> rules.Item:
        return rules.Item(self.code, self.dimension, self.kind, frozenset(self.answer), self.points)


class SampleUnit(ScopedModel):
    """A unit of the sampling frame (town or village) with its population; PSU when selected."""

    scope_field = "survey__unit"

    survey = models.ForeignKey(Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="frame")
    name = models.CharField(_("单位名称"), max_length=100)
    county = models.CharField(_("县市区"), max_length=60, db_index=True)
    population = models.PositiveIntegerField(_("人口数"))
    selected = models.BooleanField(_("入样"), default=False)
    certainty = models.BooleanField(_("必选单位"), default=False)
    inclusion_probability = models.FloatField(_("入样概率"), null=True, blank=True)

    class Meta:
        verbose_name = _("抽样框单位")
        verbose_name_plural = _("抽样框单位")
        ordering = ["survey", "county", "name"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "county", "name"], name="literacy_frame_unit_unique"),
        ]

    def __str__(self):
        return f"{self.county}·{self.name}"

    @property
    def base_weight(self) -> float | None:
        return 1.0 / self.inclusion_probability if self.inclusion_probability else None


class Interviewer(ScopedModel):
    """A fieldwork interviewer; respondents answer through the interviewer's token link."""

    scope_field = "survey__unit"

    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="interviewers"
    )
    name = models.CharField(_("姓名"), max_length=50)
    county = models.CharField(_("县市区"), max_length=60, blank=True)
    sample_unit = models.ForeignKey(
        SampleUnit,
        verbose_name=_("调查点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    token = models.CharField(max_length=48, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    audit_exclude = ("token",)

    class Meta:
        verbose_name = _("调查员")
        verbose_name_plural = _("调查员")
        ordering = ["survey", "county", "name"]

    def __str__(self):
        return self.name

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(24)


class ImportBatch(ScopedModel):
    """One import of responses (问卷星 xlsx or CSV) and its summary of flags."""

    scope_field = "survey__unit"

    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="imports"
    )
    filename = models.CharField(_("文件名"), max_length=200)
    mapping = models.JSONField(_("列对应"), default=dict)
    summary = models.JSONField(_("汇总"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答卷导入")
        verbose_name_plural = _("答卷导入")
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename


class Response(ScopedModel):
    """One respondent's answers, scored, with background fields denormalised for estimation.

    Nothing is dropped: a response that is incomplete, a duplicate or out of range keeps its
    status and flags and is counted in the summary; only valid responses enter the estimates.
    """

    scope_field = "survey__unit"

    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="responses"
    )
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    external_id = models.CharField(_("原始编号"), max_length=60, blank=True)
    interviewer = models.ForeignKey(
        Interviewer,
        verbose_name=_("调查员"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    sample_unit = models.ForeignKey(
        SampleUnit,
        verbose_name=_("调查点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responses",
    )
    batch = models.ForeignKey(
        ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="responses"
    )
    row_number = models.PositiveIntegerField(_("行号"), null=True, blank=True)
    answers = models.JSONField(_("作答"), default=dict)
    sex = models.CharField(_("性别"), max_length=4, blank=True)
    age = models.PositiveSmallIntegerField(_("年龄"), null=True, blank=True)
    age_group = models.CharField(_("年龄段"), max_length=12, blank=True)
    education = models.CharField(_("文化程度"), max_length=20, blank=True)
    occupation = models.CharField(_("职业"), max_length=30, blank=True)
    urban_rural = models.CharField(_("城乡"), max_length=4, blank=True)
    county = models.CharField(_("县市区"), max_length=60, blank=True)
    score = models.FloatField(_("得分"), null=True, blank=True)
    dimension_scores = models.JSONField(_("维度得分"), default=dict, blank=True)
    level = models.CharField(_("素质水平"), max_length=10, blank=True)
    literate = models.BooleanField(_("具备科学素质"), default=False)
    status = models.CharField(
        _("状态"), max_length=14, choices=Status.choices, default=Status.VALID, db_index=True
    )
    flags = models.JSONField(_("问题"), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, blank=True, db_index=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["survey", "id"]
        indexes = [models.Index(fields=["survey", "status"], name="literacy_response_status_idx")]

    def __str__(self):
        return f"{self.survey} #{self.external_id or self.pk}"

    @property
    def level_label(self) -> str:
        return rules.LEVELS.get(self.level, "")

    @property
    def counts(self) -> bool:
        """Only valid responses enter the estimates (templates ask this, not the status code)."""
        return self.status == Status.VALID


class CensusMargin(ScopedModel):
    """Census population of one cell: county × sex × age group × urban/rural."""

    scope_field = "survey__unit"

    survey = models.ForeignKey(
        Survey, verbose_name=_("调查"), on_delete=models.CASCADE, related_name="margins"
    )
    county = models.CharField(_("县市区"), max_length=60)
    sex = models.CharField(_("性别"), max_length=4)
    age_group = models.CharField(_("年龄段"), max_length=12)
    urban_rural = models.CharField(_("城乡"), max_length=4)
    population = models.PositiveIntegerField(_("人口数"))

    class Meta:
        verbose_name = _("人口普查边际")
        verbose_name_plural = _("人口普查边际")
        ordering = ["survey", "county", "sex", "age_group", "urban_rural"]
        constraints = [
            models.UniqueConstraint(
                fields=["survey", "county", "sex", "age_group", "urban_rural"],
                name="literacy_margin_cell_unique",
            ),
        ]

    def __str__(self):
        return f"{self.county} {self.sex} {self.age_group} {self.urban_rural}"
