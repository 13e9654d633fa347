"""The period form of the statistics pages (tháng / quý / năm / khoảng ngày), read from GET.

The parameters and their checks are the engine's (``queries.Period.parse``: ``ky`` =
thang|quy|nam|khoang, ``nam``, ``thang``, ``quy``, ``tu`` and ``den`` as dd/mm/yyyy); this
form shows them, keeps what was typed and puts each problem beside its field, all at once. A
parameter left out takes the page's default (this month on the dashboard, this year on the
public page).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.utils.translation import gettext_lazy

from motcua.core.forms import SiteForm
from motcua.stats import queries

KINDS = (
    ("thang", gettext_lazy("Tháng")),
    ("quy", gettext_lazy("Quý")),
    ("nam", gettext_lazy("Năm")),
    ("khoang", gettext_lazy("Khoảng ngày")),
)
PARAMS = ("ky", "nam", "thang", "quy", "tu", "den")


def _text(label, *, hint="", size=None) -> forms.CharField:
    field = forms.CharField(label=label, required=False, max_length=10, help_text=hint)
    field.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
    if size:
        field.widget.attrs["size"] = size
    return field


class PeriodForm(SiteForm):
    ky = forms.ChoiceField(label=gettext_lazy("Kỳ"), choices=KINDS, required=False)
    nam = _text(gettext_lazy("Năm"), size=6)
    thang = forms.ChoiceField(
        label=gettext_lazy("Tháng"),
        choices=[("", "—")] + [(str(m), str(m)) for m in range(1, 13)],
        required=False,
    )
    quy = forms.ChoiceField(
        label=gettext_lazy("Quý"),
        choices=[("", "—")] + [(str(q), str(q)) for q in range(1, 5)],
        required=False,
    )
    tu = _text(gettext_lazy("Từ ngày"), hint=gettext_lazy("ngày/tháng/năm"), size=11)
    den = _text(gettext_lazy("Đến ngày"), hint=gettext_lazy("ngày/tháng/năm"), size=11)

    def __init__(self, data, *, default_kind: str = "thang"):
        self.default_kind = default_kind
        super().__init__(data, auto_id="ky-%s")
        self.period: queries.Period | None = None
        for name in ("ky", "thang", "quy"):
            # A value outside the list is reported by the engine's check, with its wording.
            self.fields[name].validate = lambda value: None
            self.fields[name].valid_value = lambda value: True

    def clean(self):
        data = super().clean()
        self.period, problems = _parse(data, self.default_kind)
        if self.period is not None:
            # Shown as chosen, defaults included, other kinds' fields emptied (the data is this
            # form's own copy).
            self.data.update(dict.fromkeys(PARAMS, ""), **self.period.params)
        for name, message in problems.items():
            self.add_error(name if name in self.fields else None, message)
        return data

    def params(self) -> dict[str, str]:
        return self.period.params if self.period is not None else {}

    def query(self) -> str:
        """The chosen period as a query string, for links to other pages and downloads."""
        return urlencode(self.params())


def period_form(request, *, default_kind: str = "thang") -> PeriodForm:
    form = PeriodForm(
        {k: v for k, v in request.GET.items() if k in PARAMS}, default_kind=default_kind
    )
    form.is_valid()
    return form


def _parse(values, default_kind: str) -> tuple[queries.Period | None, dict[str, str]]:
    """The engine's check of the given parameters (empty ones left out, the default kind
    filled in): the period, or None with each problem by parameter."""
    params = {k: v for k, v in values.items() if v not in (None, "")}
    params.setdefault("ky", default_kind)
    try:
        return queries.Period.parse(params), {}
    except queries.PeriodError as problem:
        return None, problem.problems


def period_of(request, *, default_kind: str = "thang") -> tuple[queries.Period | None, dict]:
    """The period named by the GET parameters without the form (the JSON endpoints, asked
    often): the period, or None with every problem by parameter, as the form reports them."""
    values = {k: v.strip() for k, v in request.GET.items() if k in PARAMS}
    period, problems = _parse(values, default_kind)
    return period, {
        (name if name in PARAMS else "__all__"): [str(message)]
        for name, message in problems.items()
    }
