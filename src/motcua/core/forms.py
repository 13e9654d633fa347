"""What every form of the site shares: the site's input classes, and an error summary in the
order of the fields (the GOV.UK pattern: every problem at once, each linking to its field)."""

from __future__ import annotations

from django import forms

_CLASSES = {
    forms.CheckboxInput: "checkbox__input",
    forms.RadioSelect: "radio__input",
    forms.Select: "select",
    forms.SelectMultiple: "select",
}


def style_field(field: forms.Field) -> forms.Field:
    """Give a field's widget the site's CSS class (unless it has one)."""
    css = next((c for kind, c in _CLASSES.items() if isinstance(field.widget, kind)), "input")
    field.widget.attrs.setdefault("class", css)
    return field


class SiteForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            style_field(field)

    def add_problem(self, field: str | None, message: str) -> None:
        """A problem found after validation (by a service): shown like any other error."""
        self.add_error(field if field in self.fields else None, message)

    @property
    def summary(self) -> list[tuple[str, str]]:
        """(anchor, message) for each problem, form-wide ones first, then in field order."""
        items = [("main", str(message)) for message in self.non_field_errors()]
        for name in self.fields:
            if name in self.errors:
                anchor = self[name].auto_id or name
                items += [(anchor, str(message)) for message in self.errors[name]]
        return items
