"""Forms of the literacy pages (validation of shape only; the services validate meaning)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import StyledForm
from kexie.literacy.models import Survey


class SurveyForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        StyledForm.style(self)

    class Meta:
        model = Survey
        fields = ["name", "year", "area_name", "description", "literate_threshold", "threshold_inclusive",
                  "min_age", "max_age"]  # fmt: skip
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class QuestionnaireForm(StyledForm):
    counties = forms.CharField(
        label=_("县市区(逗号或顿号分隔)"), help_text=_("示例问卷的第 1 题“您常住在哪个县市区”的选项")
    )

    def clean_counties(self):
        text = self.cleaned_data["counties"].replace("、", ",").replace(",", ",")
        return [c.strip() for c in text.split(",") if c.strip()]


class UploadForm(StyledForm):
    file = forms.FileField(label=_("文件(.xlsx 或 .csv)"))


class ResponseImportForm(UploadForm):
    mapping = forms.CharField(
        label=_("列对应(可选)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "placeholder": "K01=3、地球绕地轴自西向东自转。\nB3=年龄"}),
        help_text=_("每行“题号=列名”;留空则按题号、“N、题目”或题目文字自动对应"),
    )

    def clean_mapping(self):
        mapping = {}
        for number, line in enumerate(self.cleaned_data["mapping"].splitlines(), start=1):
            if not line.strip():
                continue
            if "=" not in line:
                raise forms.ValidationError(_("第 %(n)s 行缺少“=”") % {"n": number})
            code, column = line.split("=", 1)
            mapping[code.strip()] = column.strip()
        return mapping


class MarginsTextForm(StyledForm):
    text = forms.CharField(
        label=_("人口数据"),
        widget=forms.Textarea(
            attrs={"rows": 10, "placeholder": "县市区,性别,年龄段,城乡,人口数\n任城区,男,18-29岁,城镇,64500"}
        ),
        help_text=_("每行:县市区,性别,年龄段,城乡,人口数(可从 Excel 复制粘贴,制表符亦可)"),
    )


class SelectionForm(StyledForm):
    allocation = forms.CharField(
        label=_("各县市区抽取单位数"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "任城区=4\n兖州区=4"}),
    )
    seed = forms.IntegerField(label=_("随机种子"), required=False, help_text=_("填写后可重现同一抽样结果"))

    def clean_allocation(self):
        allocation = {}
        for number, line in enumerate(self.cleaned_data["allocation"].splitlines(), start=1):
            if not line.strip():
                continue
            county, _sep, n = line.replace("=", "=").partition("=")
            try:
                allocation[county.strip()] = int(n)
            except ValueError:
                raise forms.ValidationError(_("第 %(n)s 行应为“县市区=数量”") % {"n": number}) from None
        return allocation


class InterviewerForm(StyledForm):
    name = forms.CharField(label=_("调查员姓名"), max_length=50)
    county = forms.CharField(label=_("县市区"), max_length=60, required=False)
