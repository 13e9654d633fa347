"""A client's answers to an e-form, checked page by page with the portal's own page forms
(``forms.engine.PageForm``), so that a value refused on the portal is refused here too."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from motcua.forms.engine import FillContext, page_form
from motcua.forms.spec import FormSpec


def _context() -> FillContext:
    from motcua.portal.filing import communes_of
    from motcua.units.models import Province

    context = FillContext()
    context.provinces = list(Province.objects.order_by("sort_key").values_list("code", "name"))
    context.communes_of = communes_of
    return context


def clean_answers(
    spec: FormSpec, answers: dict[str, Any], *, documents: set[str] | None = None
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """(values as the portal stores them, problems as ``answers.<field>`` → messages).

    ``answers`` are given as the portal stores them: text, ISO dates, true/false for yes/no
    questions, ``{"province", "commune", "detail"}`` for an address, a list of rows for a
    group. File fields are not answers (they come as documents)."""
    context = _context()
    known = {f.key for f in spec.fields()}
    problems: dict[str, list[str]] = {}
    for key in answers:
        if key not in known:
            problems[f"answers.{key}"] = [_("Biểu mẫu không có mục này.")]
    values: dict[str, Any] = {}
    for page in spec.pages:
        blank = page_form(spec, page, answers=answers, context=context)
        data = {name: value for name, value in blank._initial(answers).items() if value is not None}
        form = page_form(spec, page, answers=answers, context=context, data=data)
        if form.is_valid():
            values.update(form.page_values)
            continue
        for name, messages in form.errors.items():
            target = "answers" if name == "__all__" else "answers." + name.replace("__", ".")
            problems.setdefault(target, []).extend(str(m) for m in messages)
    merged = {**answers, **values}
    if documents is not None:
        for f in spec.file_fields():
            if f.is_required(merged) and f.key not in documents:
                problems.setdefault("documents", []).append(
                    _("Chưa đính kèm “%(label)s” (thành phần %(slot)s).")
                    % {"label": f.label, "slot": f.key}
                )
    return values, problems
