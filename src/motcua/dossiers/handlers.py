"""What happens after a dossier change is committed (outbox handlers; idempotent)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.outbox import handler
from motcua.notifications.services import notify

from .models import Dossier


def _recipients(dossier: Dossier):
    users = [dossier.submitted_by]
    if dossier.applicant_person_id and dossier.applicant_person.user_id != dossier.submitted_by_id:
        users.append(dossier.applicant_person.user)
    return users


def _email_for(user, dossier: Dossier) -> str:
    if user.email and user.email_verified_at:
        return user.email
    if user.pk == dossier.submitted_by_id:
        return str((dossier.data or {}).get("applicant_email") or "")
    return ""


@handler("dossier.submitted")
def tell_the_applicant_it_was_filed(event) -> None:
    dossier = (
        Dossier.objects.select_related("procedure", "receiving_agency", "submitted_by")
        .filter(public_id=event.aggregate_id)
        .first()
    )
    if dossier is None:
        return
    when = (
        timezone.localtime(dossier.appointment_at).strftime("%d/%m/%Y")
        if dossier.appointment_at
        else _("sẽ báo khi hồ sơ được tiếp nhận")
    )
    title = _("Hồ sơ %(code)s đã được gửi") % {"code": dossier.code}
    body = _(
        "Hồ sơ “%(procedure)s” của bạn đã được gửi đến %(agency)s với mã %(code)s.\n"
        "Ngày hẹn trả kết quả dự kiến: %(when)s (chính thức khi cơ quan tiếp nhận hồ sơ).\n"
        "Bạn theo dõi hồ sơ tại “Hồ sơ của tôi” hoặc tra cứu bằng mã hồ sơ."
    ) % {
        "procedure": dossier.procedure.name,
        "agency": dossier.receiving_agency.name if dossier.receiving_agency_id else "",
        "code": dossier.code,
        "when": when,
    }
    url = reverse("portal:dossier", kwargs={"public_id": dossier.public_id})
    for user in _recipients(dossier):
        notify(
            user,
            event_id=event.id,
            title=title,
            body=body,
            url=url,
            email=_email_for(user, dossier),
        )
