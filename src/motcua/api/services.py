"""Every change the API app makes: client systems and their credentials (the admin), webhook
subscriptions, and a client's submissions and supplements — these last two through the same
services as the portal (``dossiers.services``), so that code, routing, deadlines, audit and
outbox are the same whichever way a dossier comes in."""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field

import structlog
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core import audit

from .auth import KEY_PREFIX, key_digest
from .models import (
    ApiKey,
    ClientSystem,
    IdempotencyRecord,
    Scope,
    WebhookSubscription,
)

log = structlog.get_logger(__name__)

#: The events a webhook may subscribe to (``*`` for all of them).
TOPICS = (
    "dossier.submitted",
    "dossier.status_changed",
    "dossier.withdrawn",
    "dossier.result_issued",
    "dossier.due_soon",
    "dossier.overdue",
)


# --- Client systems and credentials (the admin) ----------------------------------------------


def _account(name: str) -> User:
    """A client system's own account: no password, as it never logs in."""
    user = User(username=f"api-{uuid.uuid4().hex[:20]}", first_name=name[:150])
    user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def create_client(*, name: str, scopes: list[str], actor=None, **fields) -> ClientSystem:
    """A client system with its own account."""
    unknown = set(scopes) - set(Scope.values)
    if unknown:
        raise ValueError(f"unknown scopes: {sorted(unknown)}")
    client = ClientSystem.objects.create(
        name=name, scopes=list(scopes), user=_account(name), **fields
    )
    audit.record("api_client_created", actor=actor, obj=client, scopes=list(scopes))
    return client


def client_account_for(client: ClientSystem) -> User:
    """The account of a client made in the admin (the form does not ask for one)."""
    return _account(client.name)


@transaction.atomic
def issue_api_key(client: ClientSystem, *, actor=None, label: str = "") -> tuple[str, ApiKey]:
    """A new key for ``client``: returned once in clear, kept only as its digest."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = ApiKey.objects.create(
        client=client, label=label[:100], prefix=prefix, digest=key_digest(key)
    )
    audit.record("api_key_issued", actor=actor, obj=client, prefix=prefix)
    return key, row


@transaction.atomic
def revoke_api_key(key: ApiKey, *, actor=None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at", "updated_at"])
        audit.record("api_key_revoked", actor=actor, obj=key.client, prefix=key.prefix)
    return key


@transaction.atomic
def issue_oauth_credentials(client: ClientSystem, *, actor=None) -> tuple[str, str]:
    """(client_id, client_secret) for the client-credentials grant; the secret is returned
    once and kept hashed (django-oauth-toolkit). Issuing again replaces the old secret."""
    from oauth2_provider.models import get_application_model

    Application = get_application_model()
    secret = secrets.token_urlsafe(40)
    application = client.oauth_application
    if application is None:
        application = Application(
            name=client.name[:255],
            client_type=Application.CLIENT_CONFIDENTIAL,
            authorization_grant_type=Application.GRANT_CLIENT_CREDENTIALS,
            redirect_uris="",
            hash_client_secret=True,
        )
    application.client_secret = secret
    application.save()
    if client.oauth_application_id != application.pk:
        client.oauth_application = application
        client.save(update_fields=["oauth_application", "updated_at"])
    audit.record("api_oauth_credentials_issued", actor=actor, obj=client)
    return application.client_id, secret


@transaction.atomic
def revoke_oauth_credentials(client: ClientSystem, *, actor=None) -> None:
    from oauth2_provider.models import get_access_token_model

    if client.oauth_application_id is None:
        return
    get_access_token_model().objects.filter(application_id=client.oauth_application_id).delete()
    application = client.oauth_application
    client.oauth_application = None
    client.save(update_fields=["oauth_application", "updated_at"])
    application.delete()
    audit.record("api_oauth_credentials_revoked", actor=actor, obj=client)


# --- Webhook subscriptions ------------------------------------------------------------------


@transaction.atomic
def subscribe(client: ClientSystem, *, target_url: str, topics: list[str], request=None):
    """A new subscription; returns it with its secret (shown to the client once)."""
    subscription = WebhookSubscription.objects.create(
        client=client,
        target_url=target_url,
        topics=sorted(set(topics)),
        secret="whsec_" + secrets.token_urlsafe(32),
    )
    audit.record(
        "api_webhook_subscribed",
        actor=client.user,
        obj=subscription,
        request=request,
        topics=subscription.topics,
    )
    return subscription


@transaction.atomic
def unsubscribe(subscription: WebhookSubscription, *, request=None) -> None:
    subscription.is_active = False
    subscription.deleted_at = timezone.now()
    subscription.save(update_fields=["is_active", "deleted_at", "updated_at"])
    audit.record(
        "api_webhook_unsubscribed",
        actor=subscription.client.user,
        obj=subscription,
        request=request,
    )


# --- Submission on behalf of an applicant ---------------------------------------------------


class SubmissionRefused(Exception):
    """Everything wrong with a submission, at once: field → messages (Vietnamese)."""

    def __init__(self, fields: dict[str, list[str]], *, code: str = "invalid", status: int = 400):
        self.fields = fields
        self.code = code
        self.status = status
        super().__init__(code)


class KeyReused(Exception):
    """The idempotency key was used before with another body."""


@dataclass
class Upload:
    slot: str
    name: str
    content: bytes


@dataclass
class Submission:
    procedure: str
    province: str = ""
    commune: str = ""
    answers: dict = field(default_factory=dict)
    documents: list[Upload] = field(default_factory=list)


def body_digest(body: dict) -> str:
    """The digest of a request body, independent of key order and spacing."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def decode_documents(items: list[dict]) -> tuple[list[Upload], dict[str, list[str]]]:
    uploads, problems = [], {}
    for index, item in enumerate(items):
        try:
            content = base64.b64decode(item["content"], validate=True)
        except (binascii.Error, ValueError):
            problems[f"documents[{index}].content"] = [_("Nội dung tệp phải mã hóa base64.")]
            continue
        uploads.append(Upload(item["slot"], item["name"], content))
    return uploads, problems


def submit_on_behalf(
    client: ClientSystem, *, key: str, digest: str, submission: Submission, request=None
):
    """File a dossier for an applicant as ``client``; returns (dossier, created).

    The same ``key`` with the same body ``digest`` gives the dossier the first request made
    (nothing new is written); the same key with another body raises :class:`KeyReused`.
    Requests with one key are serialised by the row lock on their idempotency record, so two
    at once still make one dossier. Raises :class:`SubmissionRefused` with every problem."""
    refused: SubmissionRefused | None = None
    with transaction.atomic():
        record = _idempotency_record(client, key, digest)
        if record.body_digest != digest:
            raise KeyReused
        if record.dossier_id and record.dossier.code:
            return record.dossier, False
        try:
            dossier = _file(client, submission, request=request)
        except SubmissionRefused as error:
            refused = error  # the refusals' audit entries are kept: the transaction commits
        else:
            record.dossier = dossier
            record.save(update_fields=["dossier"])
            audit.record(
                "api_dossier_submitted",
                actor=client.user,
                obj=dossier,
                request=request,
                client=str(client.public_id),
                code=dossier.code,
            )
            return dossier, True
    raise refused


def _idempotency_record(client, key: str, digest: str) -> IdempotencyRecord:
    query = IdempotencyRecord.objects.select_for_update(of=("self",)).select_related("dossier")
    record = query.filter(client=client, key=key).first()
    if record is not None:
        return record
    try:
        with transaction.atomic():
            IdempotencyRecord.objects.create(client=client, key=key, body_digest=digest)
    except IntegrityError:
        pass  # made meanwhile by the same request sent twice: the lock below waits for it
    return query.get(client=client, key=key)


def _file(client: ClientSystem, submission: Submission, *, request=None):
    from motcua.accounts.acting import Acting
    from motcua.catalog.models import Procedure
    from motcua.documents.checks import UploadError
    from motcua.dossiers import routing
    from motcua.dossiers import services as dossiers
    from motcua.forms.selectors import form_for

    from .forms import clean_answers

    problems: dict[str, list[str]] = {}
    procedure = Procedure.objects.filter(code=submission.procedure).first()
    if procedure is None:
        raise SubmissionRefused({"procedure": [_("Không có thủ tục với mã này.")]})
    province, commune, place_problems = _place(submission.province, submission.commune)
    problems.update(place_problems)
    if place_problems:
        raise SubmissionRefused(problems)
    try:
        route = routing.route(procedure, province=province, commune=commune, residence=None)
    except routing.RoutingError as error:
        raise SubmissionRefused({"province": [str(error.message_vi)]}) from None
    if not (client.reaches_agency(route.receiving) or client.reaches_agency(route.resolving)):
        raise SubmissionRefused(
            {
                "province": [
                    _("Hồ sơ này do cơ quan ngoài phạm vi của hệ thống kết nối giải quyết.")
                ]
            },
            code="agency_out_of_scope",
            status=403,
        )
    form = form_for(procedure, province)
    documents = {upload.slot for upload in submission.documents}
    values, answer_problems = clean_answers(form.parsed, submission.answers, documents=documents)
    problems.update(answer_problems)
    slots = {f.key for f in form.parsed.file_fields()}
    for index, upload in enumerate(submission.documents):
        if upload.slot not in slots:
            problems[f"documents[{index}].slot"] = [
                _("Thành phần hồ sơ này không có trong biểu mẫu.")
            ]
    if problems:
        raise SubmissionRefused(problems)
    user = client.user
    draft = dossiers.start_draft(
        user=user,
        acting=Acting(user=user, person=None),
        procedure=procedure,
        province=province,
        commune=commune,
        request=request,
    )
    dossiers.save_page(draft, page=form.parsed.pages[-1].key, values=values)
    for index, upload in enumerate(submission.documents):
        try:
            dossiers.attach_upload(
                draft,
                actor=user,
                slot=upload.slot,
                upload=ContentFile(upload.content, name=upload.name),
                request=request,
            )
        except UploadError as error:
            problems[f"documents[{index}]"] = [error.message_vi]
    if not problems:
        try:
            with transaction.atomic():
                return dossiers.submit(draft.public_id, actor=user, request=request)
        except dossiers.SubmissionIncomplete as error:
            for problem in error.problems:
                problems.setdefault(f"answers.{problem.field}", []).append(str(problem.message))
        except dossiers.DossierError as error:
            problems.setdefault("non_field_errors", []).append(str(error.message_vi))
    dossiers.discard_draft(draft, actor=user, request=request)
    raise SubmissionRefused(problems)


def _place(province_code: str, commune_code: str):
    from motcua.units.models import Commune, Province

    problems: dict[str, list[str]] = {}
    commune = None
    province = None
    if commune_code:
        commune = Commune.objects.select_related("province").filter(code=commune_code).first()
        if commune is None:
            problems["commune"] = [_("Không có xã, phường, đặc khu với mã này.")]
    if province_code:
        province = (
            Province.objects.filter(qcvn_code=province_code.upper()).first()
            or Province.objects.filter(code=province_code).first()
        )
        if province is None:
            problems["province"] = [_("Không có tỉnh, thành phố với mã này.")]
    if commune is not None:
        if province is not None and commune.province_id != province.pk:
            problems["commune"] = [_("Xã, phường, đặc khu này không thuộc tỉnh đã chọn.")]
        province = province or commune.province
    if province is None and not problems:
        problems["province"] = [_("Hãy cho biết tỉnh, thành phố nơi nộp hồ sơ.")]
    return province, commune, problems


# --- Supplements ----------------------------------------------------------------------------


def answer_supplement(client: ClientSystem, dossier, *, uploads: list, note: str, request=None):
    """The client sends what the agency asked of a dossier it filed: the portal's service."""
    from motcua.dossiers import services as dossiers

    result = dossiers.answer_supplement(
        dossier, actor=client.user, uploads=uploads, note=note, request=request
    )
    audit.record(
        "api_supplement_sent",
        actor=client.user,
        obj=dossier,
        request=request,
        client=str(client.public_id),
        files=len(uploads),
    )
    return result
