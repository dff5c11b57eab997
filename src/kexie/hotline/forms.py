from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.core.forms import StyledForm
from kexie.directory.models import Region
from kexie.hotline.codes import Channel, Topic

STATUS_FILTER = [
    ("", _("全部")),
    ("open", _("未解决")),
    ("resolved", _("已解决")),
    ("waiting", _("等待来电人")),
]


class ConsultationForm(StyledForm):
    channel = forms.ChoiceField(label=_("渠道"), choices=Channel.choices)
    topic = forms.ChoiceField(label=_("咨询类别"), choices=Topic.choices)
    caller_name = forms.CharField(label=_("来电人"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    region = forms.ModelChoiceField(label=_("所在区划"), queryset=Region.objects.none(), required=False)
    question = forms.CharField(label=_("问题"), widget=forms.Textarea, max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.filter(level__in=["city", "county", "town"]).order_by(
            "code"
        )


class PublicQuestionForm(StyledForm):
    topic = forms.ChoiceField(label=_("咨询类别"), choices=Topic.choices)
    caller_name = forms.CharField(label=_("称呼"), max_length=50, required=False)
    caller_phone = forms.CharField(label=_("联系电话(便于专家回电)"), max_length=20, required=False)
    question = forms.CharField(label=_("您的问题"), widget=forms.Textarea(attrs={"rows": 5}), max_length=2000)


class DeskFilter(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=STATUS_FILTER, required=False)
    topic = forms.ChoiceField(label=_("咨询类别"), choices=[("", _("全部")), *Topic.choices], required=False)
    channel = forms.ChoiceField(label=_("渠道"), choices=[("", _("全部")), *Channel.choices], required=False)
    q = forms.CharField(label=_("问题包含"), max_length=100, required=False)


class RatingForm(StyledForm):
    satisfaction = forms.TypedChoiceField(
        label=_("满意度"),
        coerce=int,
        choices=[(5, _("非常满意")), (4, _("满意")), (3, _("一般")), (2, _("不满意")), (1, _("非常不满意"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("意见"), max_length=300, required=False)
