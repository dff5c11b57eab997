from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.activities.models import Activity, ActivityKind, Campaign, Status
from kexie.core import references
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.core.scoping import scoped
from kexie.directory.models import Organisation, Region
from kexie.directory.selectors import counties_in_scope
from kexie.directory.widgets import use_org_picker

ACTIVITY_FORM_FIELDS = (
    "title", "kind", "start_date", "end_date", "region", "venue", "organiser", "reporting_unit",
    "participants", "volunteers", "beneficiaries", "campaign", "description",
)  # fmt: skip


class ActivityForm(ModelFieldsForm):
    model = Activity
    field_names = ACTIVITY_FORM_FIELDS
    date_fields = ("start_date", "end_date")

    co_organisers = forms.ModelMultipleChoiceField(
        label=_("协办单位"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        units = scoped(Organisation, actor).filter(is_active=True).order_by("path")
        self.fields["organiser"].queryset = units
        self.fields["reporting_unit"].queryset = units
        self.fields["reporting_unit"].required = False
        self.fields["kind"].queryset = ActivityKind.objects.filter(is_active=True).select_related("parent")
        self.fields["region"].queryset = Region.objects.order_by("code")
        references.bind(
            self.fields["campaign"], "activities.Activity.campaign", actor, order_by=("-year", "name")
        )
        self.fields["co_organisers"].widget.attrs.update({"class": "form-select", "size": 4})
        for name in ("organiser", "reporting_unit", "co_organisers"):
            use_org_picker(self.fields[name], rule=f"activities.Activity.{name}", user=actor)
        if instance is not None:
            self.initial["co_organisers"] = list(instance.co_organisers.values_list("pk", flat=True))

    def model_data(self) -> dict:
        data = super().model_data()
        if not data.get("reporting_unit"):
            data.pop("reporting_unit", None)
        return data


class ReturnForm(StyledForm):
    reason = forms.CharField(label=_("退回原因"), max_length=500)


class AttachmentForm(StyledForm):
    file = forms.FileField(label=_("文件"))
    is_photo = forms.BooleanField(label=_("照片"), required=False)


class CampaignForm(ModelFieldsForm):
    model = Campaign
    field_names = ("name", "year", "start_date", "end_date", "host_unit", "description")
    date_fields = ("start_date", "end_date")

    participating_units = forms.ModelMultipleChoiceField(
        label=_("参与单位"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args, actor, instance=None, **kwargs):
        super().__init__(*args, instance=instance, **kwargs)
        units = scoped(Organisation, actor).filter(is_active=True).order_by("path")
        self.fields["host_unit"].queryset = units
        self.fields["host_unit"].required = False
        self.fields["participating_units"].queryset = units
        self.fields["participating_units"].widget.attrs.update({"class": "form-select", "size": 8})
        use_org_picker(self.fields["host_unit"], rule="activities.Campaign.host_unit", user=actor)
        use_org_picker(
            self.fields["participating_units"], rule="activities.Campaign.participating_units", user=actor
        )
        if instance is not None:
            self.initial["participating_units"] = list(
                instance.participating_units.values_list("pk", flat=True)
            )

    def model_data(self) -> dict:
        data = super().model_data()
        if not data.get("host_unit"):
            data.pop("host_unit", None)
        return data


class KindChoiceField(forms.ModelChoiceField):
    """Every kind, named with the kinds above it (a kind filter takes the kinds below it too)."""

    def label_from_instance(self, kind):
        names, node, seen = [], kind, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            names.append(node.name)
            node = node.parent
        return " › ".join(reversed(names))


class LedgerFilter(StyledForm):
    """The activity list's filters: the page, its export and (by the same names) the API's
    filters go to `kexie.activities.selectors.ledger`."""

    q = forms.CharField(label=_("活动名称/编号"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=1949, max_value=2100)
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部状态")), *Status.choices], required=False
    )
    kind = KindChoiceField(
        label=_("类型"), queryset=ActivityKind.objects.none(), required=False, empty_label=_("全部类型")
    )
    region = forms.ModelChoiceField(
        label=_("县市区"), queryset=Region.objects.none(), required=False, empty_label=_("全部")
    )
    campaign = forms.ModelChoiceField(
        label=_("专项活动"), queryset=Campaign.objects.none(), required=False, empty_label=_("全部")
    )
    reporting_unit = forms.ModelChoiceField(
        label=_("填报单位"), queryset=Organisation.objects.none(), required=False, empty_label=_("全部单位")
    )
    include_below = forms.BooleanField(label=_("含下级填报单位"), required=False)

    def __init__(self, *args, actor, county_ids=None, **kwargs):
        """``county_ids``: the counties the filter offers, when the caller already has them (the
        ledger keeps them per scope until the data changes); else read for ``actor``."""
        super().__init__(*args, **kwargs)
        self.fields["year"].widget.attrs.update({"style": "width:6em", "placeholder": "全部"})
        self.fields["kind"].queryset = ActivityKind.objects.select_related("parent__parent").order_by("code")
        self.fields["region"].queryset = (
            counties_in_scope(actor)
            if county_ids is None
            else Region.objects.filter(pk__in=county_ids).order_by("code")
        )
        references.bind(
            self.fields["campaign"], "activities.Activity.campaign", actor, order_by=("-year", "name")
        )
        self.fields["reporting_unit"].queryset = (
            scoped(Organisation, actor).filter(is_active=True).order_by("path")
        )
        use_org_picker(self.fields["reporting_unit"], rule="activities.Activity.reporting_unit", user=actor)
