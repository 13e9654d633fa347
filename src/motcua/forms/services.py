"""Changing e-forms: agency administrators work on a draft version, then publish it.

A published version never changes (dossiers keep the version they were filed with); editing
starts a new draft from the version in use. Every change is checked with ``parse_spec`` and
refused whole, with every problem listed, when the result would not be a usable form.
"""

from __future__ import annotations

import copy

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core import audit

from .models import FormDefinition
from .selectors import form_for, next_version
from .spec import SpecError, parse_spec

Status = FormDefinition.Status


class FormError(Exception):
    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("; ".join(problems))


@transaction.atomic
def new_draft(*, procedure, province, actor, request=None) -> FormDefinition:
    """A draft version for ``province`` (None: everywhere), starting from the form in use."""
    existing = FormDefinition.objects.filter(
        procedure=procedure, province=province, status=Status.DRAFT
    ).first()
    if existing is not None:
        return existing
    base = form_for(procedure, province)
    draft = FormDefinition.objects.create(
        procedure=procedure,
        province=province,
        version=next_version(procedure),
        status=Status.DRAFT,
        title=base.title,
        spec=copy.deepcopy(base.spec),
        created_by=actor,
    )
    audit.record("form_draft_created", actor=actor, obj=draft, request=request, based_on=base.pk)
    return draft


def _require_draft(form: FormDefinition) -> None:
    if form.status != Status.DRAFT:
        raise FormError([_("Chỉ sửa được bản nháp; phiên bản đã công bố giữ nguyên.")])


@transaction.atomic
def save_spec(form: FormDefinition, spec: dict, *, actor, title: str = "", request=None):
    """Replace the draft's spec (checked first: nothing is saved if it is not usable)."""
    form = FormDefinition.objects.select_for_update().get(pk=form.pk)
    _require_draft(form)
    try:
        parse_spec(spec)
    except SpecError as error:
        raise FormError(error.problems) from None
    form.spec = spec
    if title:
        form.title = title[:255]
    form.save(update_fields=["spec", "title", "updated_at"])
    audit.record("form_draft_changed", actor=actor, obj=form, request=request)
    return form


@transaction.atomic
def publish(form: FormDefinition, *, actor, request=None) -> FormDefinition:
    """Make the draft the version new dossiers use; the previous one is retired."""
    form = FormDefinition.objects.select_for_update().get(pk=form.pk)
    _require_draft(form)
    try:
        parse_spec(form.spec)
    except SpecError as error:
        raise FormError(error.problems) from None
    FormDefinition.objects.filter(
        procedure=form.procedure,
        province=form.province,
        status=Status.PUBLISHED,
        generated=False,
    ).update(status=Status.RETIRED)
    form.status = Status.PUBLISHED
    form.published_at = timezone.now()
    form.published_by = actor
    form.save(update_fields=["status", "published_at", "published_by", "updated_at"])
    audit.record("form_published", actor=actor, obj=form, request=request, version=form.version)
    return form


@transaction.atomic
def discard(form: FormDefinition, *, actor, request=None) -> None:
    form = FormDefinition.objects.select_for_update().get(pk=form.pk)
    _require_draft(form)
    audit.record("form_draft_discarded", actor=actor, obj=form, request=request)
    form.delete()


# --- Editing a spec, one change at a time (pure functions on the JSON) ----------------------


def _page(spec: dict, key: str) -> dict:
    for page in spec["pages"]:
        if page["key"] == key:
            return page
    raise FormError([_("Không có trang này.")])


def with_field(spec: dict, page_key: str, field: dict, *, index: int | None = None) -> dict:
    """The spec with ``field`` put at ``index`` of the page (appended when None), replacing
    the field that was there when ``index`` is given."""
    spec = copy.deepcopy(spec)
    fields = _page(spec, page_key).setdefault("fields", [])
    if index is None:
        fields.append(field)
    elif 0 <= index < len(fields):
        fields[index] = field
    else:
        raise FormError([_("Không có trường này.")])
    return spec


def without_field(spec: dict, page_key: str, index: int) -> dict:
    spec = copy.deepcopy(spec)
    fields = _page(spec, page_key).get("fields", [])
    if not 0 <= index < len(fields):
        raise FormError([_("Không có trường này.")])
    removed = fields.pop(index)
    users = [
        f.get("label", f.get("key"))
        for page in spec["pages"]
        for f in page.get("fields", [])
        if removed.get("key")
        in {(f.get("show_if") or {}).get("field"), (f.get("require_if") or {}).get("field")}
    ]
    if users:
        raise FormError(
            [
                _("Không xóa được: trường “%(label)s” có điều kiện dựa vào trường này.")
                % {"label": label}
                for label in users
            ]
        )
    return spec


def moved_field(spec: dict, page_key: str, index: int, step: int) -> dict:
    spec = copy.deepcopy(spec)
    fields = _page(spec, page_key).get("fields", [])
    target = index + step
    if 0 <= index < len(fields) and 0 <= target < len(fields):
        fields[index], fields[target] = fields[target], fields[index]
    return spec


def with_page(spec: dict, key: str, title: str) -> dict:
    spec = copy.deepcopy(spec)
    spec["pages"].append({"key": key, "title": title, "fields": []})
    return spec
