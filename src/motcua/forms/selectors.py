"""Which e-form a new dossier uses: a published hand-built one, else the generated one."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.catalog.models import Procedure
from motcua.core.memo import held

from .generate import generated_spec, spec_hash
from .models import FormDefinition

Status = FormDefinition.Status


def published_form(procedure: Procedure, province=None) -> FormDefinition | None:
    """The newest published hand-built version for the province, else for everywhere."""
    forms = FormDefinition.objects.filter(
        procedure=procedure, status=Status.PUBLISHED, generated=False
    )
    if province is not None:
        local = forms.filter(province=province).order_by("-version").first()
        if local is not None:
            return local
    return forms.filter(province__isnull=True).order_by("-version").first()


def form_of(form_id: int) -> FormDefinition:
    """A dossier's e-form version. Published and retired versions never change, so each
    process holds them (parsed) for a while; a draft version is read each time."""
    form = _held_form(form_id)
    if form.status == Status.DRAFT:
        return FormDefinition.objects.get(pk=form_id)
    return form


@held(600, maxsize=2048)
def _held_form(form_id: int) -> FormDefinition:
    form = FormDefinition.objects.get(pk=form_id)
    if form.status != Status.DRAFT:
        form.parsed  # noqa: B018 - parsed once, before the object is shared
    return form


def form_for(procedure: Procedure, province=None) -> FormDefinition:
    return published_form(procedure, province) or ensure_generated(procedure)


def ensure_generated(procedure: Procedure) -> FormDefinition:
    """The generated version matching today's checklist (a new version when it changed)."""
    spec = generated_spec(procedure)
    digest = spec_hash(spec)
    current = (
        FormDefinition.objects.filter(procedure=procedure, generated=True, status=Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if current is not None and current.source_hash == digest:
        return current
    try:
        with transaction.atomic():
            if current is not None:
                FormDefinition.objects.filter(pk=current.pk).update(status=Status.RETIRED)
            return FormDefinition.objects.create(
                procedure=procedure,
                version=next_version(procedure),
                status=Status.PUBLISHED,
                title=procedure.name[:255],
                spec=spec,
                generated=True,
                source_hash=digest,
                published_at=timezone.now(),
            )
    except IntegrityError:  # made by a concurrent request a moment ago
        return FormDefinition.objects.get(
            procedure=procedure, generated=True, status=Status.PUBLISHED, source_hash=digest
        )


def next_version(procedure: Procedure) -> int:
    last = (
        FormDefinition.objects.filter(procedure=procedure)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
    )
    return (last or 0) + 1
