"""Form helpers: Bootstrap classes on every widget, accessible error wiring."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.utils.translation import gettext_lazy as _

VERSION_INVALID = _("The page's version is not valid. Reload the page and try again.")


class VersionField(forms.IntegerField):
    """The hidden version a page sends back for the stale-save check. Anything but a whole number
    is a form error (shown with the form's own errors), never a save without the check."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", 2**31 - 1)
        messages = {"invalid": VERSION_INVALID, "min_value": VERSION_INVALID, "max_value": VERSION_INVALID}
        kwargs["error_messages"] = {**messages, **kwargs.get("error_messages", {})}
        super().__init__(**kwargs)


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
        # A hidden field has no place to show its error: it joins the form's own errors.
        for name in [n for n in self.errors if n in self.fields and self.fields[n].widget.is_hidden]:
            own = self._errors.setdefault(NON_FIELD_ERRORS, self.error_class(error_class="nonfield"))
            for message in self._errors[name]:
                if message not in own:
                    own.append(message)
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
