from django import forms
from django.utils.translation import gettext_lazy as _

from kexie.opinion.models import Article, Channel, Scheme, Sentiment, Source


class ItemFilter(forms.Form):
    q = forms.CharField(label=_("标题关键词"), required=False, max_length=100)
    sentiment = forms.ChoiceField(
        label=_("情感"), required=False, choices=[("", _("全部"))] + Sentiment.choices
    )


class SourceForm(forms.ModelForm):
    class Meta:
        model = Source
        fields = ["name", "kind", "url", "is_active", "is_watched"]


class SchemeForm(forms.ModelForm):
    class Meta:
        model = Scheme
        fields = [
            "name",
            "region_words",
            "subject_words",
            "event_words",
            "exclude_words",
            "expression",
            "is_active",
        ]
        help_texts = {
            "expression": _("可选。例:(济宁 OR 兖州) AND 科协 NOT 广告;含空格的词组用英文双引号"),
            "region_words": _("多个词用空格、逗号或顿号分隔,命中任一即可"),
        }


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = ["channel", "published_on", "title", "link", "reads", "likes", "shares"]
        widgets = {"published_on": forms.DateInput(attrs={"type": "date"})}


class SubmissionForm(forms.Form):
    url = forms.CharField(label=_("链接"), required=False, max_length=500)
    text = forms.CharField(
        label=_("文字"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )
    screenshot = forms.FileField(label=_("截图"), required=False)


class CorrectionForm(forms.Form):
    label = forms.ChoiceField(label=_("校正为"), choices=Sentiment.choices)


class ArticleFilter(forms.Form):
    channel = forms.ChoiceField(label=_("渠道"), required=False, choices=[("", _("全部"))] + Channel.choices)
