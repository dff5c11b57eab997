from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.core.scoping import scoped
from kexie.directory.codes import OrgKind
from kexie.directory.models import Organisation, Person
from kexie.directory.widgets import use_org_picker
from kexie.innovation.codes import DemandStatus, EngagementKind, SocietyLevel
from kexie.innovation.models import Demand, EnterpriseVisit, Forum, SocietyEngagement

DEMAND_FORM_FIELDS = (
    "enterprise", "title", "description", "industry", "discipline", "keywords", "ipc", "budget", "deadline",
    "contact_name", "contact_phone", "is_confidential", "allow_in_booklet", "visit", "collected_on",
)  # fmt: skip


def enterprises_for(actor):
    return scoped(Organisation, actor).filter(kind=OrgKind.ENTERPRISE, is_active=True).order_by("name")


def societies_for(actor):
    return scoped(Organisation, actor).filter(kind=OrgKind.SOCIETY, is_active=True).order_by("name")


class DemandForm(ModelFieldsForm):
    model = Demand
    field_names = DEMAND_FORM_FIELDS
    date_fields = ("deadline", "collected_on")

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for(actor)
        use_org_picker(self.fields["enterprise"], rule="innovation.Demand.enterprise", user=actor)
        references.bind(self.fields["visit"], "innovation.Demand.visit", actor)
        self.fields["visit"].queryset = self.fields["visit"].queryset.select_related("enterprise")
        self.fields["visit"].required = False
        self.fields["collected_on"].required = False
        if actor.unit is not None and actor.unit.kind == OrgKind.ENTERPRISE:
            # An enterprise posts its own demands.
            self.fields.pop("enterprise")
            self.fields.pop("visit")

    def model_data(self) -> dict:
        data = super().model_data()
        for name in ("collected_on", "visit"):
            if not data.get(name):
                data.pop(name, None)
        return data


class DemandFilter(StyledForm):
    q = forms.CharField(label=_("关键词"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", "全部")] + list(DemandStatus.choices), required=False
    )
    industry = forms.CharField(label=_("行业"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)


class DemandActionForm(StyledForm):
    """The fields of every pipeline button; each action reads the ones it needs."""

    note = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea)
    on = forms.DateField(label=_("日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    expert = forms.ModelChoiceField(label=_("专家"), queryset=Person.objects.none(), required=False)
    society = forms.ModelChoiceField(label=_("学会"), queryset=Organisation.objects.none(), required=False)
    level = forms.ChoiceField(
        label=_("学会级别"), choices=[("", "按学会画像")] + list(SocietyLevel.choices), required=False
    )
    meeting_on = forms.DateField(
        label=_("对接会日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    parties = forms.CharField(label=_("签约各方"), required=False, max_length=400)
    amount = forms.DecimalField(
        label=_("合同金额(万元)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    forum = forms.ModelChoiceField(label=_("签约活动"), queryset=Forum.objects.none(), required=False)
    attachment = forms.FileField(label=_("协议文本"), required=False)
    reason = forms.CharField(label=_("关闭原因"), required=False, max_length=300)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(self.fields["expert"], "innovation.Matchmaking.expert", actor, order_by=("name",))
        use_org_picker(self.fields["society"], rule="innovation.Matchmaking.society", user=actor)
        references.bind(self.fields["forum"], "innovation.Agreement.forum", actor, order_by=("-held_on",))


class VisitForm(ModelFieldsForm):
    model = EnterpriseVisit
    field_names = ("enterprise", "visited_on", "staff", "notes")
    date_fields = ("visited_on",)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises_for(actor)
        use_org_picker(self.fields["enterprise"], rule="innovation.EnterpriseVisit.enterprise", user=actor)


class ForumForm(ModelFieldsForm):
    model = Forum
    field_names = ("name", "kind", "held_on", "venue", "guests", "description")
    date_fields = ("held_on",)

    academicians = forms.ModelMultipleChoiceField(
        label=_("邀请院士专家"), queryset=Person.objects.none(), required=False
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        references.bind(
            self.fields["academicians"], "innovation.Forum.academicians", actor, order_by=("name",)
        )
        self.fields["academicians"].widget.attrs.update({"class": "form-select", "size": 6})


class AgreementForm(StyledForm):
    title = forms.CharField(label=_("项目名称"), max_length=200)
    unit = forms.ModelChoiceField(label=_("企业/单位"), queryset=Organisation.objects.none())
    parties = forms.CharField(label=_("签约各方"), max_length=400)
    amount = forms.DecimalField(
        label=_("合同金额(万元)"), required=False, min_value=0, max_digits=12, decimal_places=2
    )
    signed_on = forms.DateField(label=_("签约日期"), widget=forms.DateInput(attrs={"type": "date"}))
    attachment = forms.FileField(label=_("协议文本"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["unit"], rule="innovation.Agreement.unit", user=actor)


class EngagementForm(ModelFieldsForm):
    model = SocietyEngagement
    field_names = ("society", "level", "kind", "on", "title", "attachment", "note")
    date_fields = ("on",)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["society"].queryset = societies_for(actor)
        use_org_picker(self.fields["society"], rule="innovation.SocietyEngagement.society", user=actor)
        self.fields["level"].required = False
        self.fields["kind"].initial = EngagementKind.COOPERATION_AGREEMENT


class ExpertProfileForm(StyledForm):
    keywords = forms.CharField(label=_("关键词"), max_length=300, required=False)
    affiliation = forms.CharField(label=_("工作单位"), max_length=200, required=False)
    achievements = forms.CharField(label=_("主要成果"), required=False, widget=forms.Textarea)
    papers = forms.CharField(label=_("代表论文"), required=False, widget=forms.Textarea)


class PatentSearchForm(StyledForm):
    q = forms.CharField(label=_("检索词"), required=False, max_length=300)
    ipc_prefix = forms.CharField(label=_("IPC分类号(前缀)"), required=False, max_length=20)
    applicant = forms.CharField(label=_("申请人"), required=False, max_length=200)
    legal_status = forms.CharField(label=_("法律状态"), required=False, max_length=30)
    date_field = forms.ChoiceField(
        label=_("日期类型"),
        choices=[("publication_date", "公开日"), ("application_date", "申请日")],
        required=False,
    )
    date_from = forms.CharField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.CharField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class PatentImportForm(StyledForm):
    file = forms.FileField(label=_("专利数据文件(.xlsx 或 .csv)"))
    mapping = forms.CharField(
        label=_("列映射(可选)"), required=False, help_text=_("如:专利名称=title,公开公告号=publication_no")
    )
    skip_bad = forms.BooleanField(label=_("跳过有错误的行"), required=False)
