"""Form helpers: Bootstrap classes on every widget, fields generated from a model's
verbose names (so labels stay the model's Chinese names), initial values from a record."""

from django import forms
from django.forms.models import fields_for_model, model_to_dict


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


class ModelFieldsForm(StyledForm):
    """A plain form whose fields come from a model. It never touches the record itself:
    the view passes `cleaned_data` to a service, which validates, saves and audits."""

    model = None
    field_names: tuple[str, ...] = ()
    date_fields: tuple[str, ...] = ()

    def __init__(self, *args, instance=None, **kwargs):
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = model_to_dict(instance, fields=self.field_names)
        super().__init__(*args, **kwargs)
        generated = fields_for_model(self.model, fields=self.field_names)
        for name in self.field_names:
            if name in generated and name not in self.fields:
                self.fields[name] = generated[name]
        for name in self.date_fields:
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        self.order_fields(self.field_names)
        self.style()

    def model_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.field_names if name in self.cleaned_data}
