"""Who may open or change what: every URL of the site, and for each protected one every kind of
actor with the expected answer.

``test_every_route_is_classified`` walks the URL configuration: a new URL fails it until it is
added to ``MATRIX`` (with its expected answers) or to ``PUBLIC`` (with the reason it protects
nothing). Each case then runs for every actor against one shared world, each request in its own
rolled-back savepoint; a refused change must leave the world as it was.

Answers: ``ALLOW`` (2xx, or a redirect that is not to a login page), ``DENY`` (403 or 404),
``LOGIN`` (a redirect to a login page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from motcua.accounts.models import Delegation, Membership, Organisation, RoleAssignment, User
from motcua.catalog.models import Procedure
from motcua.documents import services as document_services
from motcua.documents.models import StoredFile, StoreItem
from motcua.dossiers.models import Dossier, DossierDocument, DossierEvent, Status
from motcua.feedback import services as feedback_services
from motcua.feedback.models import DossierRating, Feedback, FollowUp
from motcua.forms.models import FormDefinition
from motcua.notifications.models import Preference
from motcua.payments import services as payment_services
from motcua.payments.models import FeeKind, FeeSchedule, Payment, PaymentStatus, Timing
from motcua.payments.providers import gateway
from motcua.units.models import Commune
from tests.fixtures.accounts import login_citizen, login_staff, make_citizen, make_staff
from tests.fixtures.eid import eid_provider  # noqa: F401  (the e-ID provider refresh/link reach)

pytestmark = pytest.mark.django_db

ALLOW, DENY, LOGIN = "allow", "deny", "login"

CITIZENS = ("owner", "delegate", "business_member", "another_citizen")
STAFF = (
    "clerk_other_agency",
    "clerk_handling_agency",
    "leader",
    "supervisor_above",
    "supervisor_beside",
    "agency_admin",
    "system_admin",
)
ACTORS = ("anonymous", *CITIZENS, *STAFF)

HANDLING = "000.00.04.H36"  # Sở Tư pháp Lâm Đồng: the agency of the staff member managed
PROVINCE = "000.00.00.H36"
OTHER_HANDLING = "000.00.04.H37"  # Sở Tư pháp Lạng Sơn
OTHER_PROVINCE = "000.00.00.H37"

DEMO_BANK = "demo bank only (404 when MOTCUA_PAYMENT_DEMO is off and in production)"

#: Routes that read or change nothing protected, each with the reason.
PUBLIC = {
    "healthz": "health check, no data",
    "prometheus-django-metrics": "metrics, no personal data (restrict at the proxy)",
    "portal:home": "public catalogue",
    "portal:search": "public catalogue",
    "portal:fields": "public catalogue",
    "portal:procedure": "public catalogue",
    "api-procedures": "public catalogue API",
    "api-procedure-detail": "public catalogue API",
    "api-schema": "the OpenAPI document",
    "api-procedure-form": "public catalogue API (a procedure's e-form)",
    "api-provinces": "public reference data API",
    "api-communes": "public reference data API",
    "api-oauth-token": "issues tokens only for a client system's id and secret",
    "accounts:login": "login form",
    "accounts:login_code": "second login step, bound to the session's pending login",
    "accounts:login_code_resend": "second login step, bound to the session's pending login",
    "accounts:register": "registration form",
    "accounts:register_code": "registration step, bound to the session",
    "accounts:register_code_resend": "registration step, bound to the session",
    "accounts:password_reset": "asks for a contact; answers the same whoever asks",
    "accounts:password_reset_confirm": "bound to the session's reset and its code",
    "accounts:eid_login": "starts the OpenID Connect round trip",
    "accounts:eid_callback": "ends the round trip; state and nonce are checked",
    "accounts:logout": "ends the caller's own session",
    "backoffice:login": "staff login form",
    "backoffice:second_factor": "bound to the session's pending staff login",
    "backoffice:enrol": "bound to the session's pending staff login",
    "backoffice:activate": "capability link: a one-time token for one account",
    "notifications:mailbox": "demo installation only (404 when MOTCUA_DEMO_MAILBOX is off)",
    "portal:lookup": "public lookup: a code and the applicant's number; status only, rate limited",
    "portal:communes": "public reference data (communes of a province)",
    "results:verify": "public verification of results: a code or a file; no personal data",
    "results:verify_code": "public verification page of one result; no personal data",
    "notifications:demo_sms_gateway": (
        "demo SMS gateway only (404 when MOTCUA_DEMO_MAILBOX is off); its own bearer key"
    ),
    "payments:notify": (
        "providers' server-to-server notification: acts only on a message whose signature, "
        "merchant, reference, amount and currency are verified; a forged one changes nothing"
    ),
    "feedback:send": (
        "open to anyone by design: rate limited per address and contact, an anti-abuse question; "
        "it only adds a feedback"
    ),
    "feedback:public_list": "published answers, personal data removed",
    "feedback:public_detail": "one published answer, personal data removed",
    "feedback:follow": "capability link: a signed token naming one feedback",
    "feedback:follow_action": "capability link: a signed token naming one feedback",
    "feedback:rate_by_link": "capability link: a signed token naming one returned dossier",
    "stats:public": "public statistics: counts and shares, no personal data",
    "stats:province": "public statistics: counts and shares, no personal data",
    "payments_demo:national_init": DEMO_BANK,
    "payments_demo:national_pay": DEMO_BANK,
    "payments_demo:national_query": DEMO_BANK,
    "payments_demo:national_bill": DEMO_BANK,
    "payments_demo:gateway_pay": DEMO_BANK,
    "payments_demo:gateway_query": DEMO_BANK,
    "payments_demo:statement": DEMO_BANK,
}


@dataclass
class World:
    users: dict[str, User]
    organisation: Organisation
    member: Membership
    delegation: Delegation
    staff_member: User
    assignment: RoleAssignment
    procedure: Procedure
    #: A file the owner uploaded, in the owner's document store.
    stored_file: StoredFile
    store_item: StoreItem
    #: The owner's draft (filing pages) and filed dossier (its pages), of the delegated
    #: procedure; and a dossier resolved by the handling agency (staff pages).
    draft: Dossier
    filed: Dossier
    handled: Dossier
    draft_document: DossierDocument
    form_draft: FormDefinition
    draft_commune: str
    #: The owner's second filed dossier, whose fee is still due (starting a payment).
    unpaid: Dossier
    #: A paid fee of the filed dossier (received at the service centre) and of the handled one
    #: (received by the handling agency): receipts, checking again, refunds.
    payment: Payment
    handled_payment: Payment
    #: The owner's returned dossier (rating it); a feedback about the handled dossier and the
    #: follow-up of a "not satisfied" rating, both with the handling agency.
    returned: Dossier
    feedback: Feedback
    followup: FollowUp


@dataclass
class Case:
    route: str
    method: str
    url: Callable[[World], str]
    allow: tuple[str, ...]
    data: Callable[[World], dict] = field(default=lambda w: {})
    #: What a refused request must leave unchanged.
    probe: Callable[[World], object] | None = None
    #: The answer to logged-in actors who are not allowed (Django's admin sends them to its
    #: login page).
    refused: str = DENY
    anonymous: str = LOGIN


def _members(w):
    return sorted(
        Membership.objects.filter(organisation=w.organisation).values_list("role", "removed_at")
    )


def _delegation_state(w):
    return Delegation.objects.filter(pk=w.delegation.pk).values_list("revoked_at", "renounced_at")[
        0
    ]


def _roles(w):
    return sorted(
        RoleAssignment.objects.filter(user=w.staff_member).values_list("role", "revoked_at")
    )


def _staff_state(w):
    user = User.objects.get(pk=w.staff_member.pk)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return (user.is_active, user.password, TOTPDevice.objects.filter(user=user).count())


PDF = b"%PDF-1.4\n%%EOF\n"


def _dossier_state(w):
    return sorted(
        Dossier.objects.filter(submitted_by=w.users["owner"]).values_list("pk", "status", "code")
    )


def _draft_documents(w):
    return sorted(DossierDocument.objects.values_list("pk", "removed_at"))


def _forms(w):
    return sorted(FormDefinition.objects.values_list("pk", "status", "version"))


def _processes(w):
    from motcua.dossiers.models import ProcessStep

    return sorted(ProcessStep.objects.values_list("process_id", "position", "kind", "share"))


def _process_post(w):
    rows = [("reception", "clerk", 10), ("processing", "specialist", 70), ("return", "clerk", 20)]
    data = {"form-TOTAL_FORMS": "3", "form-INITIAL_FORMS": "0"}
    for i, (kind, role, share) in enumerate(rows):
        data |= {f"form-{i}-kind": kind, f"form-{i}-role": role, f"form-{i}-share": share,
                 f"form-{i}-ORDER": i + 1}  # fmt: skip
    return data


def _payments(w):
    return sorted(
        Payment.objects.values_list("pk", "status", "refunded_at", "last_queried_at", "updated_at")
    )


def _preferences(w):
    return sorted(Preference.objects.values_list("user_id", "kind", "email", "sms"))


def _gateway_result(payment) -> dict:
    """The card gateway's signed result of ``payment`` (its IPN, and the browser's return)."""
    params = {
        "vnp_TmnCode": "MOTCUA01",
        "vnp_Amount": str(payment.amount * 100),
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": payment.reference,
        "vnp_BankCode": "NCB",
        "vnp_PayDate": "20261201101500",
        "vnp_ResponseCode": "00",
        "vnp_TransactionStatus": "00",
        "vnp_TransactionNo": f"1{payment.pk:07d}",
    }
    params["vnp_SecureHash"] = gateway.secure_hash(gateway.canonical(params), "demo-gateway-secret")
    return params


def _store_items(w):
    return sorted(StoreItem.objects.values_list("pk", "removed_at"))


def _new_document(w):
    return {"title": "Giấy tờ mới", "file": SimpleUploadedFile("giay-to.pdf", PDF)}


def _feedback_state(w):
    return Feedback.objects.filter(pk=w.feedback.pk).values_list("state", "feedback_class")[0]


def _followup_state(w):
    return FollowUp.objects.filter(pk=w.followup.pk).values_list("closed_at", "note")[0]


def _ratings(w):
    return sorted(DossierRating.objects.values_list("dossier_id", "overall"))


#: Who opens the statistics of the handling agency: its leader, the province's supervisor.
STATS_READERS = ("leader", "supervisor_above", "system_admin")
#: Staff who see dossiers (the feedback and follow-up queues, each scoped to their agencies).
DOSSIER_STAFF = tuple(s for s in STAFF if s != "agency_admin")
PERIOD = "ky=nam&nam=2026"

ORG_READERS = ("owner", "business_member")
STAFF_READERS = ("leader", "supervisor_above", "agency_admin", "system_admin")
#: Who reads the handled dossier: its agency's clerk and leader, the province's supervisor.
DOSSIER_READERS = ("clerk_handling_agency", "leader", "supervisor_above", "system_admin")
STAFF_MANAGERS = ("agency_admin", "system_admin")
#: Who keeps the dossier register: the desk (receive) and those who oversee it (statistics).
REGISTER_KEEPERS = (
    "clerk_other_agency", "clerk_handling_agency", "leader", "supervisor_above",
    "supervisor_beside", "system_admin",
)  # fmt: skip

MATRIX: list[Case] = [
    # --- A citizen's own account pages -------------------------------------------------------
    Case("accounts:profile", "get", lambda w: "/tai-khoan/ho-so/", CITIZENS),
    Case("accounts:eid_refresh", "post", lambda w: "/tai-khoan/vneid/cap-nhat/", CITIZENS),
    Case("accounts:eid_link", "post", lambda w: "/tai-khoan/vneid/lien-ket/", CITIZENS),
    Case("accounts:organisations", "get", lambda w: "/tai-khoan/to-chuc/", CITIZENS),
    Case(
        "accounts:organisation_register", "get", lambda w: "/tai-khoan/to-chuc/dang-ky/", CITIZENS
    ),
    Case("accounts:delegations", "get", lambda w: "/tai-khoan/uy-quyen/", CITIZENS),
    Case("accounts:acting", "get", lambda w: "/tai-khoan/thay-mat/", CITIZENS),
    # --- An organisation and its members -----------------------------------------------------
    Case(
        "accounts:organisation",
        "get",
        lambda w: f"/tai-khoan/to-chuc/{w.organisation.public_id}/",
        ORG_READERS,
    ),
    Case(
        "accounts:member_add",
        "post",
        lambda w: f"/tai-khoan/to-chuc/{w.organisation.public_id}/thanh-vien/",
        ("owner",),
        data=lambda w: {
            "pid": w.users["another_citizen"].person.active_pid.number,
            "role": "member",
        },
        probe=_members,
    ),
    Case(
        "accounts:member_change",
        "post",
        lambda w: f"/tai-khoan/to-chuc/{w.organisation.public_id}/thanh-vien/{w.member.public_id}/",
        ("owner",),
        data=lambda w: {"role": "admin"},
        probe=_members,
    ),
    Case(
        "accounts:delegation_new",
        "get",
        lambda w: f"/tai-khoan/uy-quyen/tao/?to_chuc={w.organisation.public_id}",
        ("owner",),
    ),
    # --- A delegation --------------------------------------------------------------------------
    Case(
        "accounts:delegation",
        "get",
        lambda w: f"/tai-khoan/uy-quyen/{w.delegation.public_id}/",
        ("owner", "delegate"),
    ),
    Case(
        "accounts:delegation_revoke",
        "post",
        lambda w: f"/tai-khoan/uy-quyen/{w.delegation.public_id}/thu-hoi/",
        ("owner",),
        probe=_delegation_state,
    ),
    Case(
        "accounts:delegation_renounce",
        "post",
        lambda w: f"/tai-khoan/uy-quyen/{w.delegation.public_id}/tu-choi/",
        ("delegate",),
        probe=_delegation_state,
    ),
    # --- The document store and its files ----------------------------------------------------
    Case("documents:store", "get", lambda w: "/tai-khoan/kho-du-lieu/", CITIZENS),
    Case(
        "documents:store_add",
        "post",
        lambda w: "/tai-khoan/kho-du-lieu/them/",
        CITIZENS,
        data=_new_document,
        probe=_store_items,
    ),
    Case(
        "documents:store_remove",
        "post",
        lambda w: f"/tai-khoan/kho-du-lieu/{w.store_item.public_id}/xoa/",
        ("owner",),
        probe=_store_items,
    ),
    Case("documents:download", "get", lambda w: f"/tep/{w.stored_file.public_id}/", ("owner",)),
    # --- Filing and following a dossier -------------------------------------------------------
    Case(
        "portal:filing_page",
        "get",
        lambda w: f"/ho-so/{w.draft.public_id}/trang/{w.draft.current_page}/",
        ("owner",),
    ),
    Case(
        "portal:filing_detach",
        "post",
        lambda w: f"/ho-so/{w.draft.public_id}/giay-to/{w.draft_document.pk}/bo/",
        ("owner",),
        probe=_draft_documents,
    ),
    Case(
        "portal:filing_review", "get", lambda w: f"/ho-so/{w.draft.public_id}/xem-lai/", ("owner",)
    ),
    Case(
        "portal:filing_submit",
        "post",
        lambda w: f"/ho-so/{w.draft.public_id}/nop/",
        ("owner",),
        probe=_dossier_state,
    ),
    Case(
        "portal:filing_discard",
        "post",
        lambda w: f"/ho-so/{w.draft.public_id}/xoa-ban-nhap/",
        ("owner",),
        probe=_dossier_state,
    ),
    Case(
        "portal:filing_done",
        "get",
        lambda w: f"/ho-so/{w.filed.public_id}/da-nop/",
        ("owner", "delegate"),
    ),
    Case("portal:my_dossiers", "get", lambda w: "/ho-so-cua-toi/", CITIZENS),
    Case("portal:notifications", "get", lambda w: "/thong-bao/", CITIZENS),
    Case("portal:dossier", "get", lambda w: f"/ho-so/{w.filed.public_id}/", ("owner", "delegate")),
    Case(
        "portal:dossier_pdf",
        "get",
        lambda w: f"/ho-so/{w.filed.public_id}/xac-nhan.pdf",
        ("owner", "delegate"),
    ),
    Case(
        "portal:dossier_withdraw",
        "post",
        lambda w: f"/ho-so/{w.filed.public_id}/rut/",
        ("owner", "delegate"),
        data=lambda w: {"confirm": "yes"},
        probe=_dossier_state,
    ),
    Case(
        # Any citizen starts a draft of their own (the page itself, GET, is public).
        "portal:file",
        "post",
        lambda w: "/ho-so/nop/1.001193/",
        CITIZENS,
        data=lambda w: {"tinh": "H36", "xa": w.draft_commune},
    ),
    Case(
        "notifications_account:preferences", "get", lambda w: "/tai-khoan/nhan-thong-bao/", CITIZENS
    ),
    Case(
        # Each citizen's own choices (no one else's in the URL); staff are refused.
        "notifications_account:preferences",
        "post",
        lambda w: "/tai-khoan/nhan-thong-bao/",
        CITIZENS,
        data=lambda w: {"dossier_received-email": "on", "dossier_received-sms": "on"},
        probe=_preferences,
    ),
    # --- Paying a dossier's fee -----------------------------------------------------------------
    Case(
        "payments:start",
        "post",
        lambda w: f"/thanh-toan/ho-so/{w.unpaid.public_id}/bat-dau/",
        ("owner", "delegate"),
        data=lambda w: {"kenh": "gateway"},
        probe=_payments,
    ),
    Case(
        # The browser back from the gateway, signed: shows the payment to its citizen side.
        "payments:return",
        "get",
        lambda w: "/thanh-toan/ve/gateway/",
        ("owner", "delegate"),
        data=lambda w: _gateway_result(w.payment),
    ),
    Case(
        "payments:check",
        "post",
        lambda w: f"/thanh-toan/{w.payment.public_id}/kiem-tra/",
        ("owner", "delegate"),
        probe=_payments,
    ),
    Case(
        # The payer's side and staff whose reach covers the dossier; nobody else learns it
        # exists (404, to the anonymous too).
        "payments:receipt",
        "get",
        lambda w: f"/thanh-toan/{w.payment.public_id}/bien-lai.pdf",
        ("owner", "delegate", *DOSSIER_READERS),
        anonymous=DENY,
    ),
    Case(
        # Received at the service centre: no staff member of the world receives there, so
        # those who read the dossier are refused too (403).
        "payments:refund",
        "post",
        lambda w: f"/thanh-toan/{w.payment.public_id}/hoan-tien/",
        ("system_admin",),
        data=lambda w: {"ly_do": "Thu nhầm"},
        probe=_payments,
    ),
    Case(
        # Received by the handling agency: its clerk refunds; its leader, who reads it, may not.
        "payments:refund",
        "post",
        lambda w: f"/thanh-toan/{w.handled_payment.public_id}/hoan-tien/",
        ("clerk_handling_agency", "system_admin"),
        data=lambda w: {"ly_do": "Thu nhầm"},
        probe=_payments,
    ),
    # --- Staff: the desk, dossiers, e-forms -----------------------------------------------------
    Case(
        "portal:dossier_notice",
        "get",
        lambda w: f"/ho-so/{w.filed.public_id}/phieu/02.pdf",
        ("owner", "delegate"),
    ),
    Case(
        "portal:dossier_supplement",
        "post",
        lambda w: f"/ho-so/{w.filed.public_id}/bo-sung/",
        ("owner",),
        probe=lambda w: Dossier.objects.filter(pk=w.filed.pk).values_list("status", "stage")[0],
    ),
    Case(
        "backoffice:desk_file",
        "get",
        lambda w: "/can-bo/nop-ho-so/",
        ("clerk_other_agency", "clerk_handling_agency", "system_admin"),
    ),
    Case(
        "backoffice:desk_done",
        "get",
        lambda w: f"/can-bo/nop-ho-so/{w.handled.public_id}/",
        ("clerk_handling_agency", "system_admin"),
    ),
    Case(
        "backoffice:queue",
        "get",
        lambda w: "/can-bo/ho-so/",
        (*DOSSIER_READERS, "clerk_other_agency", "supervisor_beside"),
    ),
    Case(
        "backoffice:dossier",
        "get",
        lambda w: f"/can-bo/ho-so/{w.handled.public_id}/",
        DOSSIER_READERS,
    ),
    Case(
        "backoffice:dossier_action",
        "post",
        lambda w: f"/can-bo/ho-so/{w.handled.public_id}/thao-tac/accept/",
        ("clerk_handling_agency", "system_admin"),
        probe=lambda w: Dossier.objects.filter(pk=w.handled.pk).values_list("status", "stage")[0],
    ),
    Case(
        "backoffice:timing_report",
        "get",
        lambda w: "/can-bo/bao-cao/dung-han/",
        ("leader", "supervisor_above", "supervisor_beside", "system_admin"),
    ),
    # The register: each keeper sees the agencies of their own reach (an empty register for
    # the clerk and the supervisor elsewhere); an agency outside it is refused in the form.
    Case("backoffice:register", "get", lambda w: "/can-bo/so-theo-doi/", REGISTER_KEEPERS),
    Case(
        "backoffice:register_pdf",
        "get",
        lambda w: "/can-bo/so-theo-doi/so-theo-doi.pdf",
        REGISTER_KEEPERS,
    ),
    Case(
        "backoffice:register_csv",
        "get",
        lambda w: "/can-bo/so-theo-doi/so-theo-doi.csv",
        REGISTER_KEEPERS,
    ),
    Case(
        "backoffice:dossier_notice",
        "get",
        lambda w: f"/can-bo/ho-so/{w.handled.public_id}/phieu/02.pdf",
        DOSSIER_READERS,
    ),
    Case(
        "backoffice:dossier_pdf",
        "get",
        lambda w: f"/can-bo/ho-so/{w.handled.public_id}/xac-nhan.pdf",
        ("clerk_handling_agency", "leader", "supervisor_above", "system_admin"),
    ),
    Case(
        "backoffice:form_list",
        "get",
        lambda w: "/can-bo/bieu-mau/",
        ("agency_admin", "system_admin"),
    ),
    Case(
        "backoffice:form_versions",
        "get",
        lambda w: f"/can-bo/bieu-mau/{w.procedure.code}/",
        ("agency_admin", "system_admin"),
    ),
    Case(
        "backoffice:form_edit",
        "post",
        lambda w: f"/can-bo/bieu-mau/{w.procedure.code}/{w.form_draft.pk}/",
        ("agency_admin",),
        data=lambda w: {"action": "publish"},
        probe=_forms,
    ),
    Case(
        "backoffice:form_preview",
        "get",
        lambda w: f"/can-bo/bieu-mau/{w.procedure.code}/{w.form_draft.pk}/xem-truoc/nguoi-nop/",
        ("agency_admin", "system_admin"),
    ),
    Case(
        "backoffice:process_list",
        "get",
        lambda w: "/can-bo/quy-trinh/",
        ("agency_admin", "system_admin"),
    ),
    Case(
        "backoffice:process_edit",
        "post",
        lambda w: f"/can-bo/quy-trinh/{w.procedure.code}/",
        ("agency_admin", "system_admin"),
        data=_process_post,
        probe=_processes,
    ),
    # --- Staff pages ----------------------------------------------------------------------------
    Case("backoffice:home", "get", lambda w: "/can-bo/", STAFF),
    Case("backoffice:recovery_codes", "get", lambda w: "/can-bo/ma-du-phong/", STAFF),
    Case(
        "backoffice:staff_list",
        "get",
        lambda w: "/can-bo/nhan-su/",
        (*STAFF_READERS, "supervisor_beside"),
    ),
    Case("backoffice:staff_create", "get", lambda w: "/can-bo/nhan-su/them/", STAFF_MANAGERS),
    Case(
        "backoffice:staff_detail",
        "get",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/",
        STAFF_READERS,
    ),
    Case(
        "backoffice:role_grant",
        "post",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/vai-tro/",
        STAFF_MANAGERS,
        data=lambda w: {"grant-role": "leader", "grant-agency": w.staff_member.agency_id},
        probe=_roles,
    ),
    Case(
        "backoffice:role_revoke",
        "post",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/vai-tro/{w.assignment.pk}/thu-hoi/",
        STAFF_MANAGERS,
        probe=_roles,
    ),
    Case(
        "backoffice:staff_lock",
        "post",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/khoa/",
        STAFF_MANAGERS,
        data=lambda w: {"action": "lock"},
        probe=_staff_state,
    ),
    Case(
        "backoffice:staff_reset_mfa",
        "post",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/xac-thuc/",
        STAFF_MANAGERS,
        probe=_staff_state,
    ),
    Case(
        "backoffice:staff_reinvite",
        "post",
        lambda w: f"/can-bo/nhan-su/{w.staff_member.public_id}/moi-lai/",
        STAFF_MANAGERS,
        probe=_staff_state,
    ),
    # --- Feedback (PAKN) and satisfaction -----------------------------------------------------
    Case(
        "feedback:rate_dossier",
        "post",
        lambda w: f"/phan-anh-kien-nghi/danh-gia/ho-so/{w.returned.public_id}/",
        ("owner", "delegate"),
        data=lambda w: {"c_overall": "3"},
        probe=_ratings,
    ),
    Case("feedback_staff:queue", "get", lambda w: "/can-bo/phan-anh-kien-nghi/", DOSSIER_STAFF),
    Case(
        "feedback_staff:item",
        "get",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{w.feedback.public_id}/",
        DOSSIER_READERS,
    ),
    Case(
        "feedback_staff:action",
        "post",
        lambda w: f"/can-bo/phan-anh-kien-nghi/{w.feedback.public_id}/classify/",
        ("clerk_handling_agency", "system_admin"),
        data=lambda w: {"classify-decision": "accept", "classify-feedback_class": "regulation"},
        probe=_feedback_state,
    ),
    Case(
        "feedback_staff:followups",
        "get",
        lambda w: "/can-bo/phan-anh-kien-nghi/theo-doi-danh-gia/",
        DOSSIER_STAFF,
    ),
    Case(
        "feedback_staff:followup",
        "post",
        lambda w: f"/can-bo/phan-anh-kien-nghi/theo-doi-danh-gia/{w.followup.pk}/",
        ("leader", "system_admin"),
        data=lambda w: {"close-text": "Đã gọi điện xin lỗi người dân."},
        probe=_followup_state,
    ),
    # --- The service index ---------------------------------------------------------------------
    Case("stats_staff:dashboard", "get", lambda w: f"/can-bo/chi-so/?don-vi={HANDLING}&{PERIOD}",
         STATS_READERS),
    Case("stats_staff:drilldown", "get",
         lambda w: f"/can-bo/chi-so/chi-tiet/?don-vi={HANDLING}&chi-so=2.1&phan=mau-so&{PERIOD}",
         STATS_READERS),
    Case("stats_staff:data_scorecard", "get",
         lambda w: f"/can-bo/chi-so/du-lieu/tong-hop/?don-vi={HANDLING}&{PERIOD}", STATS_READERS),
    Case("stats_staff:data_trend", "get",
         lambda w: f"/can-bo/chi-so/du-lieu/xu-huong/?don-vi={HANDLING}&{PERIOD}", STATS_READERS),
    Case("stats_staff:data_ranking", "get",
         lambda w: f"/can-bo/chi-so/du-lieu/xep-hang/?don-vi={HANDLING}&{PERIOD}", STATS_READERS),
    # --- Django's admin: system administrators only ---------------------------------------------
    Case("admin:index", "get", lambda w: "/quan-tri/", ("system_admin",), refused=LOGIN),
    Case(
        "admin:accounts_person_changelist",
        "get",
        lambda w: "/quan-tri/accounts/person/",
        ("system_admin",),
        refused=LOGIN,
    ),
    Case(
        "admin:core_auditentry_changelist",
        "get",
        lambda w: "/quan-tri/core/auditentry/",
        ("system_admin",),
        refused=LOGIN,
    ),
    # --- The API for client systems: their credentials only, never a session (api/tests) ---
    Case("api-dossier", "get", lambda w: f"/api/v1/dossiers/{w.filed.code}", (),
         anonymous=DENY),
    Case("api-dossiers", "post", lambda w: "/api/v1/dossiers", (), anonymous=DENY,
         probe=lambda w: Dossier.objects.count()),
    Case("api-dossier-supplements", "post",
         lambda w: f"/api/v1/dossiers/{w.filed.code}/supplements", (), anonymous=DENY,
         probe=lambda w: DossierDocument.objects.count()),
    Case("api-webhooks", "get", lambda w: "/api/v1/webhooks", (), anonymous=DENY),
    Case("api-webhook", "get", lambda w: f"/api/v1/webhooks/{w.filed.public_id}", (),
         anonymous=DENY),
    Case("api-webhook-deliveries", "get",
         lambda w: f"/api/v1/webhooks/{w.filed.public_id}/deliveries", (), anonymous=DENY),
]  # fmt: skip

#: Django's admin has many routes; the cases above stand for all of them (one permission check,
#: ``MotcuaAdminSite.has_permission``, guards every one).
ADMIN_NAMESPACE = "admin"


def _routes() -> set[str]:
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or ""
                full = f"{namespace}:{inner}" if namespace and inner else namespace or inner
                yield from walk(pattern.url_patterns, full)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_route_is_classified():
    routes = _routes()
    covered = set(PUBLIC) | {case.route for case in MATRIX}
    missing = sorted(r for r in routes - covered if not r.startswith(f"{ADMIN_NAMESPACE}:"))
    assert not missing, f"add these routes to MATRIX or PUBLIC: {missing}"
    stale = sorted(covered - routes)
    assert not stale, f"these classified routes no longer exist: {stale}"
    assert not set(PUBLIC) & {case.route for case in MATRIX}


@pytest.fixture
def eid_settings(settings, eid_provider):  # noqa: F811
    settings.MOTCUA_EID_DISCOVERY_URL = eid_provider.discovery_url
    settings.MOTCUA_EID_CLIENT_ID = eid_provider.client_id
    settings.MOTCUA_EID_CLIENT_SECRET = eid_provider.client_secret
    return settings


@pytest.fixture
def world(eid_settings, tmp_path) -> World:
    users: dict[str, User] = {
        "owner": make_citizen("Chủ Sở Hữu"),
        "delegate": make_citizen("Người Được Ủy Quyền"),
        "business_member": make_citizen("Thành Viên Doanh Nghiệp"),
        "another_citizen": make_citizen("Công Dân Khác"),
        "clerk_other_agency": make_staff("clerk", OTHER_HANDLING),
        "clerk_handling_agency": make_staff("clerk", HANDLING),
        "leader": make_staff("leader", HANDLING),
        "supervisor_above": make_staff("supervisor", PROVINCE),
        "supervisor_beside": make_staff("supervisor", OTHER_PROVINCE),
        "agency_admin": make_staff("agency_admin", HANDLING),
        "system_admin": make_staff("system_admin", None),
    }
    organisation = Organisation.objects.create(
        tax_code="0100233488", name="Công ty TNHH Ma Trận", kind="enterprise"
    )
    Membership.objects.create(
        organisation=organisation, person=users["owner"].person, role="representative"
    )
    member = Membership.objects.create(
        organisation=organisation, person=users["business_member"].person, role="member"
    )
    procedure = Procedure.objects.order_by("code").first()
    delegation = Delegation.objects.create(
        principal_person=users["owner"].person,
        agent=users["delegate"].person,
        valid_until=timezone.localdate() + timedelta(days=30),
        created_by=users["owner"],
    )
    delegation.procedures.set([procedure])
    staff_member = make_staff("specialist", HANDLING)
    eid_settings.STORAGES = {
        **eid_settings.STORAGES,
        "documents": {
            "BACKEND": "motcua.documents.storage.PrivateFileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private")},
        },
    }
    stored_file = document_services.store_upload(
        SimpleUploadedFile("giay-khai-sinh.pdf", PDF), owner=users["owner"]
    )
    store_item = document_services.add_to_store(
        stored_file, person=users["owner"].person, title="Giấy khai sinh", kind="document"
    )
    draft, filed, handled, draft_document, form_draft = _dossier_world(
        users, procedure, stored_file
    )
    unpaid = _owners_dossier(users["owner"], filed, Status.SUBMITTED, "000.00.50.H36-261201-9003")
    FeeSchedule.objects.create(
        procedure=procedure,
        kind=FeeKind.FIXED,
        timing=Timing.BEFORE_RECEPTION,
        label="Lệ phí",
        amount=8000,
    )
    owner = users["owner"]
    returned = _owners_dossier(owner, handled, Status.RETURNED, "000.00.50.H36-261201-9004")
    feedback = feedback_services.submit(
        feedback_services.Submission(
            kind="reflection",
            subject="dossier",
            content="Hồ sơ chậm trả kết quả.",
            sender_name="Chủ Sở Hữu",
            sender_email="chu.so.huu@example.vn",
            dossier=handled,
        ),
        sender=users["owner"],
    )
    handled_returned = Dossier.objects.filter(pk=handled.pk)
    status = handled.status
    handled_returned.update(status=Status.RETURNED)
    rating = feedback_services.rate_dossier(handled, {"overall": 1}, user=users["owner"])
    handled_returned.update(status=status)
    return World(
        users=users,
        organisation=organisation,
        member=member,
        delegation=delegation,
        staff_member=staff_member,
        assignment=RoleAssignment.objects.get(user=staff_member),
        procedure=procedure,
        stored_file=stored_file,
        store_item=store_item,
        draft=draft,
        filed=filed,
        handled=handled,
        draft_document=draft_document,
        form_draft=form_draft,
        draft_commune=Commune.objects.filter(province__qcvn_code="H36").order_by("code")[0].code,
        unpaid=unpaid,
        payment=_paid(filed, users["owner"]),
        handled_payment=_paid(handled, users["owner"]),
        returned=returned,
        feedback=feedback,
        followup=rating.followup,
    )


def _owners_dossier(owner, like: Dossier, status: int, code: str) -> Dossier:
    """Another filed dossier of the owner, at the agencies of ``like``."""
    return Dossier.objects.create(
        procedure=like.procedure,
        form=like.form,
        submitted_by=owner,
        province=like.province,
        applicant_person=owner.person,
        status=status,
        code=code,
        submitted_at=timezone.now(),
        receiving_agency=like.receiving_agency,
        resolving_agency=like.resolving_agency,
        agency_path=like.agency_path,
    )


def _paid(dossier, payer) -> Payment:
    """A fee paid through the card gateway, by the write path: started, then confirmed by the
    gateway's signed IPN."""
    payment, _url = payment_services.start_payment(
        dossier,
        actor=payer,
        provider_id="gateway",
        return_url="http://testserver/thanh-toan/ve/gateway/",
        notify_url="http://testserver/thanh-toan/thong-bao/gateway/",
    )
    outcome = payment_services.receive_notification("gateway", _gateway_result(payment), kind="ipn")
    payment.refresh_from_db()
    assert outcome.outcome == "accepted"
    assert payment.status == PaymentStatus.PAID
    return payment


def _dossier_world(users, procedure, stored_file):
    from motcua.forms.selectors import form_for
    from motcua.units.models import Agency, Province

    province = Province.objects.get(qcvn_code="H36")
    form = form_for(procedure, province)
    owner = users["owner"]
    handling = Agency.objects.get(code=HANDLING)
    common = {"procedure": procedure, "form": form, "submitted_by": owner, "province": province}
    draft = Dossier.objects.create(
        **common, applicant_person=owner.person, current_page=form.parsed.pages[0].key
    )
    slot = form.parsed.file_fields()[0].key
    draft_document = DossierDocument.objects.create(dossier=draft, slot=slot, file=stored_file)
    filed = Dossier.objects.create(
        **common,
        applicant_person=owner.person,
        status=Status.SUBMITTED,
        code="000.00.50.H36-261201-9001",
        submitted_at=timezone.now(),
        receiving_agency=Agency.objects.get(code="000.00.50.H36"),
        resolving_agency=handling,
        agency_path=handling.path,
    )
    handled = Dossier.objects.create(
        **common,
        status=Status.SUBMITTED,
        channel=1,
        code=f"{HANDLING}-261201-9002",
        submitted_at=timezone.now(),
        receiving_agency=handling,
        resolving_agency=handling,
        agency_path=handling.path,
    )
    for dossier in (filed, handled):  # a slip was issued for each (slip 02)
        DossierEvent.objects.create(
            dossier=dossier,
            status=Status.SUBMITTED,
            action="request_fixes",
            public_text="Cần hoàn thiện hồ sơ trước khi tiếp nhận: bản chụp rõ",
            note="Bản chụp rõ",
        )
    form_draft = FormDefinition.objects.create(
        procedure=procedure,
        province=province,
        version=99,
        status=FormDefinition.Status.DRAFT,
        title="Bản nháp",
        spec=form.spec,
    )
    return draft, filed, handled, draft_document, form_draft


def _client_for(actor: str, world: World) -> Client:
    client = Client()
    if actor in CITIZENS:
        login_citizen(client, world.users[actor], level=2)
    elif actor in STAFF:
        login_staff(client, world.users[actor])
    return client


LOGIN_PAGES = (
    "/tai-khoan/dang-nhap/",
    "/tai-khoan/vneid/dang-nhap/",
    "/can-bo/dang-nhap/",
    "/quan-tri/login/",
)


def _answer(response) -> str:
    if response.status_code in (401, 403, 404):  # 401: the API asks for its credentials
        return DENY
    if response.status_code in (301, 302, 303):
        return LOGIN if response["Location"].startswith(LOGIN_PAGES) else ALLOW
    if response.status_code < 400:
        return ALLOW
    return f"status {response.status_code}"


def _expected(case: Case, actor: str) -> str:
    if actor == "anonymous":
        return case.anonymous
    return ALLOW if actor in case.allow else case.refused


@pytest.mark.parametrize("case", MATRIX, ids=[c.route for c in MATRIX])
def test_the_matrix(case: Case, world: World):
    wrong = []
    for actor in ACTORS:
        with transaction.atomic():
            before = case.probe(world) if case.probe else None
            client = _client_for(actor, world)
            send = getattr(client, case.method)
            response = send(case.url(world), case.data(world))
            got, want = _answer(response), _expected(case, actor)
            if got != want:
                wrong.append(f"{actor}: expected {want}, got {got} ({response.status_code})")
            elif want != ALLOW and case.probe and case.probe(world) != before:
                wrong.append(f"{actor}: refused, but the change was made")
            transaction.set_rollback(True)
    assert not wrong, f"{case.method.upper()} {case.route}:\n" + "\n".join(wrong)
