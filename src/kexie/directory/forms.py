from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.core.scoping import scoped
from kexie.directory.codes import DISCIPLINES, OrgKind, PersonTag
from kexie.directory.models import Designation, Organisation, Person, Region
from kexie.directory.services import DESIGNATION_FIELDS, ORG_FIELDS, PERSON_FIELDS
from kexie.directory.widgets import use_org_picker


class OrganisationForm(ModelFieldsForm):
    model = Organisation
    field_names = ORG_FIELDS

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        self.fields["parent"].queryset = scoped(Organisation, actor).order_by("path")
        self.fields["region"].queryset = Region.objects.order_by("code")
        use_org_picker(self.fields["parent"], rule="directory.Organisation.parent", user=actor)
        keep_stored_parent(self.fields["parent"], instance)


def keep_stored_parent(field, org) -> None:
    """An edit keeps the parent already stored even when the rule would not offer it (a county
    association's own unit sits under the city): the service checks only a changed parent."""
    if org is None or org.parent_id is None:
        return
    field.queryset = (field.queryset | Organisation.objects.of(org.parent)).distinct()
    field.widget.choices = field.choices


class PersonForm(ModelFieldsForm):
    model = Person
    field_names = (*PERSON_FIELDS[:4], "id_number", *PERSON_FIELDS[4:])

    id_number = forms.CharField(label=_("身份证号码"), max_length=18, required=False)

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        if instance is not None:
            self.fields["id_number"].initial = instance.id_number_masked
            self.fields["id_number"].help_text = _("保持掩码不变表示不修改")
        self.fields["unit"].queryset = scoped(Organisation, actor).order_by("path")
        use_org_picker(self.fields["unit"], rule="directory.Person.unit", user=actor)

    def model_data(self) -> dict:
        data = super().model_data()
        if not self.cleaned_data.get("id_number") and not self.initial.get("id_number"):
            data.pop("id_number", None)
        return data


class OrganisationYearForm(StyledForm):
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    has_party_organisation = forms.BooleanField(label=_("建立党组织"), required=False)
    member_count = forms.IntegerField(label=_("会员数"), min_value=0, required=False)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class DesignationForm(ModelFieldsForm):
    model = Designation
    field_names = DESIGNATION_FIELDS
    date_fields = ("valid_until",)


def _yes_no(value: str) -> bool:
    return value == "1"


class OrganisationFilter(StyledForm):
    """The organisation list's filters (page, export; the API by the same meaning):
    kexie.directory.selectors.organisations."""

    q = forms.CharField(label=_("名称/简称/信用代码"), required=False)
    kind = forms.ChoiceField(label=_("类型"), choices=[("", _("全部类型")), *OrgKind.choices], required=False)
    region = forms.ModelChoiceField(
        label=_("区划"), queryset=Region.objects.all(), required=False, empty_label=_("全部区划")
    )
    parent = forms.ModelChoiceField(
        label=_("上级单位"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部")
    )
    is_active = forms.TypedChoiceField(
        label=_("状态"), choices=[("", _("全部")), ("1", _("有效")), ("0", _("已停用"))], coerce=_yes_no,
        empty_value=None, required=False,
    )  # fmt: skip

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["parent"], rule="directory.Organisation.parent", user=actor)
        parents = Organisation.objects.for_user(actor).filter(parent__isnull=False).values("parent_id")
        self.fields["parent"].queryset = self.fields["parent"].queryset.filter(
            pk__in=parents
        )  # only units with units below


class PersonFilter(StyledForm):
    """The people list's filters (page, export; the API by the same meaning):
    kexie.directory.selectors.people."""

    q = forms.CharField(label=_("姓名/手机号/身份证号"), required=False)
    # The blind index of a phone or ID-number search: the number itself never goes in the URL.
    pd = forms.CharField(required=False, widget=forms.HiddenInput)
    tag = forms.ChoiceField(
        label=_("标签"), choices=[("", _("全部标签")), *PersonTag.choices], required=False
    )
    discipline = forms.ChoiceField(
        label=_("学科"), choices=[("", _("全部学科")), *DISCIPLINES], required=False
    )
    unit = forms.ModelChoiceField(
        label=_("管理单位"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部单位")
    )

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scoped(Organisation, actor).order_by("path")
        use_org_picker(self.fields["unit"], rule="directory.Person.unit", user=actor)
