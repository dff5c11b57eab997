"""Form helpers: Bootstrap classes on every widget, fields generated from a model's
verbose names (so labels stay the model's Chinese names), initial values from a record."""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import fields_for_model, model_to_dict
from django.utils.translation import gettext_lazy as _


class StyledForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style()

    def style(self):
        for f in self.fields.values():
            widget = f.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                continue
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)


def _model_field(model, name: str):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def masked_initial(instance, initial: dict) -> dict:
    """Personal data (fields with a `mask`) goes into a form masked, whoever edits: the page's
    HTML never carries the number, and the service keeps it when the mask comes back."""
    for name, value in initial.items():
        mask = getattr(_model_field(type(instance), name), "mask", None)
        if mask is not None and value:
            initial[name] = mask(value)
    return initial


class ModelFieldsForm(StyledForm):
    """A plain form whose fields come from a model. It never touches the record itself:
    the view passes `cleaned_data` to a service, which validates, saves and audits."""

    model = None
    field_names: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = masked_initial(instance, model_to_dict(instance, fields=self.field_names))
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names)
        for name in self.field_names:
            if name in generated and name not in self.fields:
                self.fields[name] = generated[name]
        for name in self.date_fields:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        for name in self.field_names:
            if (
                instance is not None
                and name in self.fields
                and hasattr(_model_field(self.model, name), "mask")
            ):
                self.fields[name].help_text = _("保持掩码不变表示不修改")
        self.order_fields(self.field_names)
        self.style()

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names if name in self.cleaned_data}
