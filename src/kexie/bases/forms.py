"""Staff forms of outreach bases: a naming round (the call of kind 命名认定 and what its
designations carry), a base's application to a round, a renewal, a venue. The forms only
parse; the services check, save and audit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.bases.codes import FIGURES
from kexie.bases.models import Venue
from kexie.core.forms import ModelFieldsForm, StyledForm
from kexie.directory.codes import DesignationLevel
from kexie.directory.widgets import use_org_picker


def _date(label, **kwargs):
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs
    )


class NamingRoundForm(StyledForm):
    title = forms.CharField(
        label=_("征集名称"), max_length=200, help_text=_("如“2020年济宁市科普教育基地命名”")
    )
    year = forms.IntegerField(label=_("年度"), min_value=1949, max_value=2100)
    honour_level = forms.ChoiceField(label=_("命名级别"), choices=DesignationLevel.choices,
                                     initial=DesignationLevel.CITY)  # fmt: skip
    higher_body = forms.CharField(
        label=_("上级命名单位"), max_length=100, required=False, help_text=_("向上推荐时填写,如“山东省科协”")
    )
    organiser = forms.ModelChoiceField(label=_("组织单位"), queryset=None, required=False)
    opens_on = _date(_("征集开始"))
    closes_on = _date(_("征集截止"))
    batch = forms.CharField(label=_("批次"), max_length=40, help_text=_("如“第五批”"))
    theme = forms.CharField(label=_("主题"), max_length=60, required=False)
    valid_from = _date(_("有效期起"))
    valid_to = _date(_("有效期至"))
    document_no = forms.CharField(label=_("命名文号"), max_length=100, required=False)
    open_now = forms.BooleanField(label=_("保存后立即开始征集"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["organiser"], rule="calls.Call.organiser", user=actor)

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        call_data = {
            k: d[k] for k in ("title", "year", "honour_level", "higher_body", "opens_on", "closes_on")
        }
        if d.get("organiser"):
            call_data["organiser"] = d["organiser"]
        return {"call_data": call_data, "batch": d["batch"], "theme": d.get("theme", ""),
                "valid_from": d["valid_from"], "valid_to": d["valid_to"], "document_no": d.get("document_no", "")}  # fmt: skip


class BaseApplicationForm(StyledForm):
    base = forms.ModelChoiceField(label=_("申报基地"), queryset=None)
    submitting_unit = forms.ModelChoiceField(label=_("推荐单位"), queryset=None, required=False,
                                             help_text=_("由上级单位推荐时填写"))  # fmt: skip
    submit = forms.BooleanField(label=_("保存后即提交申报"), required=False, initial=True)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["base"], rule="bases.Base.organisation", user=actor)
        use_org_picker(self.fields["submitting_unit"], rule="calls.Entry.submitting_unit", user=actor)


class RenewForm(StyledForm):
    valid_to = _date(_("新有效期至"))
    reason = forms.CharField(label=_("依据"), max_length=300, required=False)


class VenueForm(ModelFieldsForm):
    model = Venue
    field_names = ("name", "kind", "operator", "region", "exhibition_area", "opened_on", "is_active")
    date_fields = ("opened_on",)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["operator"], rule="bases.Venue.operator", user=actor)
        self.fields["operator"].required = False

    def model_data(self) -> dict:
        data = super().model_data()
        if not data.get("operator"):
            data.pop("operator", None)
        return data


class ThresholdsForm(StyledForm):
    """The assessment thresholds and score bands a unit sets for a year (and the years after,
    until it sets new ones): one row per figure — used or not, minimum, points, required."""

    year = forms.IntegerField(label=_("适用年度起"), min_value=1949, max_value=2100)
    unit = forms.ModelChoiceField(
        label=_("制定单位"), queryset=None, required=False, help_text=_("缺省为本单位")
    )
    excellent_from = forms.IntegerField(label=_("优秀分数线"), min_value=0, max_value=100)
    pass_from = forms.IntegerField(label=_("合格分数线"), min_value=0, max_value=100)
    rectify_from = forms.IntegerField(label=_("整改分数线"), min_value=0, max_value=100)

    def __init__(self, *args, actor, scheme: dict, **kwargs):
        super().__init__(*args, **kwargs)
        use_org_picker(self.fields["unit"], rule="bases.AssessmentScheme.unit", user=actor)
        current = {t["figure"]: t for t in scheme["thresholds"]}
        for band in ("excellent_from", "pass_from", "rectify_from"):
            self.fields[band].initial = scheme[band]
        self.rows = []
        for figure, (label, unit) in FIGURES.items():
            row = current.get(figure)
            self.fields[f"{figure}_used"] = forms.BooleanField(
                label=_("采用"), required=False, initial=row is not None
            )
            self.fields[f"{figure}_minimum"] = forms.IntegerField(
                label=_("%(f)s最低值(%(u)s)") % {"f": label, "u": unit}, min_value=0, max_value=10_000_000,
                required=False, initial=row["minimum"] if row else None,
            )  # fmt: skip
            self.fields[f"{figure}_points"] = forms.IntegerField(
                label=_("%(f)s分值") % {"f": label}, min_value=1, max_value=1000, required=False,
                initial=row["points"] if row else None,
            )  # fmt: skip
            self.fields[f"{figure}_required"] = forms.BooleanField(
                label=_("必须达到"), required=False, initial=bool(row and row["required"])
            )
            self.rows.append((figure, label, unit))
        self.style()

    def clean(self):
        d = super().clean()
        for figure, label, _unit in self.rows:
            if not d.get(f"{figure}_used"):
                continue
            for part in ("minimum", "points"):
                if d.get(f"{figure}_{part}") is None and f"{figure}_{part}" not in self.errors:
                    self.add_error(f"{figure}_{part}", _("采用“%(f)s”时请填写") % {"f": label})
        return d

    def head(self):
        return [self[name] for name in ("year", "unit", "excellent_from", "pass_from", "rectify_from")]

    def table(self):
        """The form's rows for the template: (label, unit, used, minimum, points, required)."""
        return [
            (label, unit, *(self[f"{figure}_{part}"] for part in ("used", "minimum", "points", "required")))
            for figure, label, unit in self.rows
        ]

    def service_kwargs(self) -> dict:
        d = self.cleaned_data
        thresholds = [
            {"figure": figure, "minimum": d[f"{figure}_minimum"], "points": d[f"{figure}_points"],
             "required": bool(d.get(f"{figure}_required"))}
            for figure, _label, _unit in self.rows if d.get(f"{figure}_used")
        ]  # fmt: skip
        return {"year": d["year"], "thresholds": thresholds,
                **{k: d[k] for k in ("excellent_from", "pass_from", "rectify_from")}}  # fmt: skip
