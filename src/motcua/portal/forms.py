"""The search page's GET parameters: read, checked, and turned back into links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import gettext as _

from motcua.catalog.models import Level
from motcua.catalog.selectors import Filters, resolve_province

from . import queries

MAX_QUERY_LENGTH = 200
FILTER_NAMES = ("level", "field", "province", "agency", "audience", "life_event")
# Order of the error summary: the order of the fields on the page.
FIELD_ORDER = ("q", *FILTER_NAMES, "online_only", "page")
FALSE_VALUES = {"", "0", "false", "off", "no"}
_PAGE = re.compile(r"[0-9]{1,6}")


@dataclass(slots=True)
class SearchParams:
    q: str = ""
    values: dict[str, str] = field(default_factory=dict)
    online_only: bool = False
    page: int = 1
    raw_page: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, data: QueryDict) -> SearchParams:
        params = cls(
            q=data.get("q", "").strip(),
            values={name: data.get(name, "").strip() for name in FILTER_NAMES},
            online_only=data.get("online_only", "").strip().lower() not in FALSE_VALUES,
            raw_page=data.get("page", "").strip(),
        )
        params.validate()
        return params

    def validate(self) -> None:
        problems = self._filters(self.values).errors()
        if len(self.q) > MAX_QUERY_LENGTH:
            problems["q"] = _("Từ khóa dài quá %(n)d ký tự, hãy rút gọn.") % {"n": MAX_QUERY_LENGTH}
        life_event = self.values["life_event"]
        if life_event and not queries.life_event_exists(life_event):
            problems["life_event"] = _("Không có sự kiện này.")
        if self.raw_page:
            if _PAGE.fullmatch(self.raw_page) and int(self.raw_page) >= 1:
                self.page = int(self.raw_page)
            else:
                problems["page"] = _("Số trang phải là một số nguyên từ 1 trở lên.")
        self.errors = {name: problems[name] for name in FIELD_ORDER if name in problems}
        self.errors.update({k: v for k, v in problems.items() if k not in self.errors})

    def _filters(self, values: dict[str, str]) -> Filters:
        return Filters(
            level=values.get("level", ""),
            field=values.get("field", ""),
            agency=values.get("agency", ""),
            province=values.get("province", ""),
            online_only=self.online_only,
            audience=values.get("audience", ""),
            life_event=values.get("life_event", ""),
        )

    @property
    def valid_filters(self) -> Filters:
        """The filters without the values in error: results are still shown for the rest."""
        return self._filters({k: v for k, v in self.values.items() if k not in self.errors})

    @property
    def query_text(self) -> str:
        return "" if "q" in self.errors else self.q

    @property
    def active_filter_count(self) -> int:
        return sum(1 for value in self.values.values() if value) + int(self.online_only)

    @property
    def province(self) -> str:
        """The chosen province, carried to procedure pages, when it is valid."""
        return "" if "province" in self.errors else self.values["province"].upper()

    def querystring(self, **changes: object) -> str:
        """The current search as a query string, with ``changes`` applied (None removes)."""
        items: dict[str, object] = {"q": self.q, **self.values}
        if self.online_only:
            items["online_only"] = "1"
        items.update(changes)
        return urlencode([(k, v) for k, v in items.items() if v not in (None, "", False)])


@dataclass(frozen=True, slots=True)
class FilterField:
    """One select of the filter form, with the person's value kept even when it is wrong."""

    name: str
    label: str
    any_label: str
    choices: list[queries.Choice]
    value: str = ""
    error: str = ""

    @property
    def id(self) -> str:
        return f"f-{self.name}"

    @property
    def unknown_value(self) -> str:
        """A value that none of the options carries (so it is shown as an extra option)."""
        if not self.value:
            return ""
        known = {choice.value.upper() for choice in self.choices}
        return "" if self.value.upper() in known else self.value

    @property
    def options(self) -> list[tuple[str, str, bool]]:
        """(value, label, selected) for each option after the "all" one."""
        current = self.value.upper()
        return [(c.value, c.label, c.value.upper() == current) for c in self.choices]


def filter_fields(params: SearchParams) -> list[FilterField]:
    values, errors = params.values, params.errors
    levels = [queries.Choice(value, str(label)) for value, label in Level.choices]
    audiences = [
        queries.Choice("citizen", _("Công dân")),
        queries.Choice("business", _("Doanh nghiệp, tổ chức")),
    ]
    agencies = queries.ministries()
    agency = values["agency"]
    if agency and "agency" not in errors and agency not in {a.value for a in agencies}:
        agencies.append(queries.Choice(agency, queries.agency_name(agency) or agency))
    fields = [
        FilterField("level", _("Cấp thực hiện"), _("Tất cả các cấp"), levels),
        FilterField("field", _("Lĩnh vực"), _("Tất cả lĩnh vực"), queries.fields()),
        FilterField(
            "province", _("Tỉnh, thành phố"), _("Tất cả tỉnh, thành phố"), queries.provinces()
        ),
        FilterField("agency", _("Bộ, ngành"), _("Tất cả bộ, ngành"), agencies),
        FilterField("audience", _("Đối tượng"), _("Tất cả đối tượng"), audiences),
    ]
    if values["province"] and "province" not in errors:
        province = resolve_province(values["province"])
        values = {**values, "province": province.qcvn_code if province else values["province"]}
    events = queries.life_events()
    if events or values["life_event"]:
        fields.append(FilterField("life_event", _("Sự kiện"), _("Tất cả sự kiện"), events))
    return [
        FilterField(f.name, f.label, f.any_label, f.choices, values[f.name], errors.get(f.name, ""))
        for f in fields
    ]
