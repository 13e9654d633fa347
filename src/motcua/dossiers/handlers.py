"""What happens after a dossier change is committed (outbox handlers; idempotent).

Each event of a dossier that the applicant must hear about becomes the messages of one kind
(``notifications.defaults``) to the person who filed it and to the applicant, on the channels
each of them chose; ``notifications.services.announce`` records them per (event, account,
channel) so that a repeated event sends nothing twice. The deadline events are for the officer
handling the dossier, not the citizen.
"""

from __future__ import annotations

import uuid

from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from motcua.accounts.contacts import normalise_email, normalise_phone
from motcua.core.outbox import handler
from motcua.core.pdf import format_date_vi, format_money
from motcua.notifications.channels import account_addresses
from motcua.notifications.services import Recipient, announce

from .models import Dossier, DossierEvent
from .processing import TOLD

#: The transitions (``workflow``) the applicant is told of, and the kind of message.
ACTION_KINDS = {
    "request_fixes": "dossier_fixes_requested",
    "accept": "dossier_received",
    "refuse": "dossier_refused",
    "request_supplement": "dossier_supplement_requested",
    "apologise": "dossier_apology",
    "request_payment": "dossier_payment_requested",
    "stop": "dossier_stopped",
    "confirm_withdrawal": "dossier_withdrawn",
    "return_result": "dossier_result_returned",
}
#: Transitions whose message repeats what the step told (the slip's text), carried by the event.
DETAILS = TOLD
#: Kinds that speak for the agency that received the dossier (the others: the one resolving).
_RECEPTION = {"dossier_submitted", "dossier_fixes_requested", "dossier_received",
              "dossier_refused", "dossier_withdrawn"}  # fmt: skip


def _dossier(event) -> Dossier | None:
    found = Dossier.objects.select_related(
        "procedure", "receiving_agency", "resolving_agency", "submitted_by", "assigned_to",
        "applicant_person__user",
    )  # fmt: skip
    dossier = found.filter(public_id=event.aggregate_id).first() if _uuid(event) else None
    if dossier is None and event.payload.get("code"):
        dossier = found.filter(code=event.payload["code"]).first()
    return dossier


def _uuid(event) -> bool:
    try:
        uuid.UUID(str(event.aggregate_id))
    except ValueError:
        return False
    return True


def _recipients(dossier: Dossier) -> list[Recipient]:
    """The person who filed it (a citizen) and the applicant, with the addresses that reach
    each: the account's verified contacts, else those given in the dossier by whoever typed
    them (the filer online, the applicant at the desk)."""
    data = dossier.data or {}
    given_email = normalise_email(str(data.get("applicant_email") or "")) or ""
    given_phone = normalise_phone(str(data.get("applicant_phone") or "")) or ""
    filer = dossier.submitted_by
    people = []
    if filer.is_citizen:
        people.append((filer, True))
    person = dossier.applicant_person
    if person is not None and person.user_id != filer.pk:
        people.append((person.user, not filer.is_citizen))
    recipients = []
    for user, gave_contacts in people:
        email, phone = account_addresses(user)
        if gave_contacts:
            email, phone = email or given_email, phone or given_phone
        recipients.append(Recipient(user, email=email, phone=phone))
    return recipients


def _context(dossier: Dossier, kind: str, event) -> dict:
    at = parse_datetime(str(event.payload.get("appointment_at") or "")) or dossier.appointment_at
    if kind in _RECEPTION or dossier.resolving_agency_id is None:
        agency = dossier.receiving_agency
    else:
        agency = dossier.resolving_agency
    context = {
        "code": dossier.code,
        "procedure": dossier.procedure.name,
        "agency": agency.name if agency else "",
        "applicant": dossier.applicant_name,
        "appointment": format_date_vi(at) if at else "",
    }
    if kind == "dossier_result_returned":
        from motcua.feedback.links import rating_url

        context["rating_link"] = rating_url(dossier)
    return context


def _tell_applicant(event, kind: str, **extra) -> None:
    dossier = _dossier(event)
    if dossier is None:
        return
    context = {**_context(dossier, kind, event), **extra}
    path = reverse("portal:dossier", kwargs={"public_id": dossier.public_id})
    announce(event.id, kind, _recipients(dossier), context, path=path)


def _timeline_detail(dossier_id: str, action: str) -> str:
    """What the latest step of ``action`` asked for or gave as reasons (the slip's text)."""
    step = (
        DossierEvent.objects.filter(dossier__public_id=dossier_id, action=action)
        .order_by("-at", "-id")
        .first()
    )
    return (step.note or step.public_text) if step else ""


@handler("dossier.submitted")
def tell_the_applicant_it_was_filed(event) -> None:
    dossier = _dossier(event)
    if dossier is None:
        return
    context = _context(dossier, "dossier_submitted", event)
    if not context["appointment"]:
        context["appointment"] = _("sẽ báo khi hồ sơ được tiếp nhận")
    path = reverse("portal:dossier", kwargs={"public_id": dossier.public_id})
    announce(event.id, "dossier_submitted", _recipients(dossier), context, path=path)


@handler("dossier.status_changed")
def tell_the_applicant_of_a_decision(event) -> None:
    action = event.payload.get("action", "")
    kind = ACTION_KINDS.get(action)
    if kind is None:
        return
    extra = {}
    if action in DETAILS:
        key = DETAILS[action]
        # Events written before they carried the text: the step's own record.
        extra[key] = event.payload.get(key) or _timeline_detail(event.aggregate_id, action)
    _tell_applicant(event, kind, **extra)


@handler("dossier.withdrawn")
def tell_the_applicant_it_was_withdrawn(event) -> None:
    _tell_applicant(event, "dossier_withdrawn")


@handler("dossier.result_issued")
def tell_the_applicant_the_result_is_ready(event) -> None:
    _tell_applicant(event, "dossier_result_issued", result_number=event.payload.get("number", ""))


@handler("payment.confirmed")
def tell_the_applicant_the_payment_arrived(event) -> None:
    amount = event.payload.get("amount")
    try:
        shown = format_money(int(amount)) if amount is not None else ""
    except (TypeError, ValueError):
        shown = ""
    _tell_applicant(event, "payment_confirmed", amount=shown)


@handler("dossier.due_soon")
@handler("dossier.overdue")
def tell_the_officer_of_the_deadline(event) -> None:
    dossier = _dossier(event)
    if dossier is None:
        return
    officer = dossier.assigned_to
    if officer is None or not officer.is_active:
        return  # nobody holds it yet: the queue shows it first, by deadline
    kind = "dossier_due_soon" if event.topic == "dossier.due_soon" else "dossier_overdue"
    email = officer.email if officer.email else ""
    path = reverse("backoffice:dossier", kwargs={"public_id": dossier.public_id})
    announce(
        event.id, kind, [Recipient(officer, email=email)], _context(dossier, kind, event),
        path=path,
    )  # fmt: skip
