"""Form helpers: Bootstrap classes on every widget, accessible error wiring."""

from django import forms


class StyledFormMixin:
    """Adds Bootstrap classes and aria-describedby to every field of the form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_help")
            # Errors are wired in full_clean(): touching self.errors here would validate the form
            # before subclasses finish setting up their fields (e.g. a queryset for the year).
            if described:
                widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["aria-invalid"] = "true"
                ids = attrs.get("aria-describedby", "")
                err_id = f"{self[name].auto_id}_error"
                if err_id not in ids:
                    attrs["aria-describedby"] = (ids + " " + err_id).strip()


class StyledForm(StyledFormMixin, forms.Form):
    pass


class StyledModelForm(StyledFormMixin, forms.ModelForm):
    pass
