from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from kexie.core import crypto
from kexie.core.fields import (
    BlindIndexField,
    EncryptedPhoneField,
    EncryptedTokenField,
    MaskedPhoneField,
    PhoneIndexField,
)
from kexie.core.masking import mask_id_number
from kexie.core.scoping import ScopedModel
from kexie.directory.codes import (
    DISCIPLINES,
    AssociationLevel,
    DesignationLevel,
    DesignationType,
    Gender,
    OrgKind,
    PartyForm,
    PersonTag,
    RegionLevel,
    designation_level_problem,
)


class Region(models.Model):
    """An administrative division (GB/T 2260). Reference data, visible to all users."""

    code = models.CharField(_("行政区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self):
        return self.name

    def county(self) -> "Region | None":
        node = self
        while node is not None and node.level not in (RegionLevel.COUNTY,):
            if node.level in (RegionLevel.CITY, RegionLevel.PROVINCE):
                return None
            node = node.parent
        return node


class Organisation(ScopedModel):
    """Any unit kexie knows: associations, societies, bases, enterprises, schools…

    `path` materialises the tree ("/1/4/17/") so that "this unit and below" is one
    indexed prefix filter.
    """

    scope_field = ""

    name = models.CharField(_("名称"), max_length=200, unique=True)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=30, choices=OrgKind.choices, db_index=True)
    association_level = models.CharField(
        _("科协层级"), max_length=12, choices=AssociationLevel.choices, blank=True
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    region = models.ForeignKey(
        Region, verbose_name=_("所在区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)
    uscc_checksum_ok = models.BooleanField(_("信用代码校验通过"), default=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = EncryptedPhoneField(_("联系电话"), blank=True)
    contact_phone_hash = PhoneIndexField(source="contact_phone")
    contact_phone_masked = MaskedPhoneField(_("联系电话"), source="contact_phone")
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    # Stocks at 31 December of a past year (kexie.stats): unknown dates count as "always".
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("path",)

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["path"]

    def __str__(self):
        return self.name

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def compute_path(self) -> str:
        prefix = self.parent.path if self.parent_id else "/"
        return f"{prefix}{self.pk}/"


class OrganisationYear(ScopedModel):
    """Attributes that hold for one year, e.g. whether a society has a party organisation."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="years"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    has_party_organisation = models.BooleanField(_("建立党组织"), default=False)
    member_count = models.PositiveIntegerField(_("会员数"), null=True, blank=True)
    # Party building (kexie.societies): when party_form is given it decides
    # has_party_organisation, the one figure directory.party_coverage counts.
    party_form = models.CharField(_("党组织形式"), max_length=12, choices=PartyForm.choices, blank=True)
    party_members = models.PositiveIntegerField(_("党员数"), null=True, blank=True)
    party_secretary = models.ForeignKey(
        "Person",
        verbose_name=_("党组织书记"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    has_party_instructor = models.BooleanField(_("选派党建指导员"), default=False)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("年度情况")
        verbose_name_plural = _("年度情况")
        constraints = [models.UniqueConstraint(fields=["organisation", "year"], name="org_year_unique")]
        ordering = ["-year"]

    def __str__(self):
        return f"{self.organisation} {self.year}"


class Designation(ScopedModel):
    """A title given to an organisation for a period (命名/认定)."""

    scope_field = "organisation"

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("组织"), on_delete=models.CASCADE, related_name="designations"
    )
    type = models.CharField(
        _("命名类型"),
        max_length=40,
        choices=DesignationType.choices,
        default=DesignationType.OUTREACH_BASE,
        db_index=True,
    )
    title = models.CharField(
        _("称号"), max_length=100, blank=True, help_text=_("如“济宁市科普教育基地”;空则用类型名")
    )
    level = models.CharField(_("级别"), max_length=10, choices=DesignationLevel.choices)
    year = models.PositiveSmallIntegerField(_("命名年度"), db_index=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    issuer = models.CharField(_("命名单位"), max_length=100, blank=True)
    document_no = models.CharField(_("文号"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("命名认定")
        verbose_name_plural = _("命名认定")
        ordering = ["-year", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "type", "title", "level", "year"], name="designation_unique"
            )
        ]

    def __str__(self):
        return f"{self.organisation} {self.get_level_display()}{self.display_title}({self.year})"

    @property
    def display_title(self) -> str:
        return self.title or self.get_type_display()

    def clean(self):
        problem = designation_level_problem(self.type, self.level)
        if problem:
            raise ValidationError({"level": problem})


class Person(ScopedModel):
    """A person in the directory. The ID number is stored encrypted, with a keyed hash
    for look-ups and its 6+4 mask for display."""

    scope_field = "unit"

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    phone = EncryptedPhoneField(_("手机号码"), blank=True)
    phone_hash = PhoneIndexField(source="phone")
    phone_masked = MaskedPhoneField(_("手机号码"), source="phone")
    id_number_encrypted = EncryptedTokenField(blank=True, editable=False)
    id_number_hash = BlindIndexField(source="id_number_encrypted", blank=True, db_index=True, editable=False)
    id_number_masked = models.CharField(_("身份证号码"), max_length=18, blank=True, editable=False)
    title = models.CharField(_("职称"), max_length=50, blank=True)
    discipline = models.CharField(_("学科"), max_length=3, choices=DISCIPLINES, blank=True)
    unit = models.ForeignKey(
        Organisation, verbose_name=_("管理单位"), on_delete=models.PROTECT, related_name="managed_people"
    )
    is_sci_worker = models.BooleanField(_("科技工作者"), default=False)
    is_expert = models.BooleanField(_("专家"), default=False)
    is_volunteer = models.BooleanField(_("志愿者"), default=False)
    is_cadre = models.BooleanField(_("干部"), default=False)
    is_grassroots_head = models.BooleanField(_("基层三长"), default=False)
    profile = models.TextField(_("简介/研究方向"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    audit_exclude = ("id_number_encrypted", "id_number_hash")

    TAG_FIELDS = {
        PersonTag.SCI_WORKER: "is_sci_worker",
        PersonTag.EXPERT: "is_expert",
        PersonTag.VOLUNTEER: "is_volunteer",
        PersonTag.CADRE: "is_cadre",
        PersonTag.GRASSROOTS_HEAD: "is_grassroots_head",
    }

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["name", "id"]
        permissions = [("view_personal_data", "可查看完整个人信息")]

    def __str__(self):
        return self.name

    @property
    def tags(self) -> list[str]:
        return [tag for tag, field in self.TAG_FIELDS.items() if getattr(self, field)]

    @property
    def tag_labels(self) -> list[str]:
        return [PersonTag(tag).label for tag in self.tags]

    def set_id_number(self, value: str) -> None:
        self.id_number_encrypted = crypto.encrypt(value)
        self.id_number_hash = crypto.blind_index(value)
        self.id_number_masked = mask_id_number(value)

    @property
    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted)


class Affiliation(ScopedModel):
    scope_field = "person__unit"

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.CASCADE, related_name="affiliations"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("单位"), on_delete=models.CASCADE, related_name="affiliations"
    )
    role = models.CharField(_("职务"), max_length=60, blank=True)
    is_primary = models.BooleanField(_("主要单位"), default=True)
    # A position held for a period (e.g. a society's 理事长 elected at a congress): with dates,
    # any past year's officers are known. No dates: held now, since an unknown day.
    starts_on = models.DateField(_("任职日期"), null=True, blank=True)
    ends_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        ordering = ["starts_on", "id"]
        constraints = [
            # the same position again is a new row only when it starts on another day (re-elected)
            models.UniqueConstraint(
                fields=["person", "organisation", "role"],
                condition=models.Q(starts_on__isnull=True),
                name="affiliation_unique",
            ),
            models.UniqueConstraint(
                fields=["person", "organisation", "role", "starts_on"],
                condition=models.Q(starts_on__isnull=False),
                name="affiliation_unique_dated",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(starts_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="affiliation_ends_after_start",
                violation_error_message=_("离任日期:不能早于任职日期"),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.organisation} {self.role}"

    def held_during(self, first, last) -> bool:
        """Whether the position was held at some day between `first` and `last` (dates)."""
        return (self.starts_on is None or self.starts_on <= last) and (
            self.ends_on is None or self.ends_on >= first
        )


def personal_data_visible(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("directory.view_personal_data"))


__all__ = [
    "Region",
    "Organisation",
    "OrganisationYear",
    "Designation",
    "Person",
    "Affiliation",
    "personal_data_visible",
]
