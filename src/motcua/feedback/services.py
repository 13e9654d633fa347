"""The one write path of feedback (PAKN) and ratings: each function is one transaction with its
audit entry and outbox events; a refusal raises :class:`FeedbackError` listing every problem,
with nothing written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.core import audit, outbox
from motcua.core.text import fold, nfc_keep_lines
from motcua.dossiers.models import Dossier, Status
from motcua.units.models import Agency

from . import rules
from .models import (
    Attachment,
    DossierRating,
    Feedback,
    FeedbackClass,
    FollowUp,
    Level,
    Rating,
    State,
)

#: Who does what, over the feedback's responsible agency: intake by the desk or the
#: specialist (a department may have no desk), answers by the specialist, publication by a
#: leader.
INTAKE = (Permission.DOSSIER_RECEIVE, Permission.DOSSIER_PROCESS)
HANDLE = (Permission.DOSSIER_PROCESS,)
PUBLISH = (Permission.DOSSIER_DECIDE,)
VIEW = (Permission.DOSSIER_VIEW,)
FOLLOW_UP_CLOSE = (Permission.DOSSIER_PROCESS, Permission.DOSSIER_DECIDE)


class FeedbackError(Exception):
    """A refused change: ``problems`` is a list of (field or None, Vietnamese message)."""

    def __init__(self, problems: list[tuple[str | None, str]]):
        self.problems = problems
        super().__init__("; ".join(message for _field, message in problems))

    @property
    def message_vi(self) -> str:
        return " ".join(message for _field, message in self.problems)


def _refuse(field: str | None, message: str):
    raise FeedbackError([(field, message)])


def may(user, permissions: Iterable[str], agency: Agency) -> bool:
    scope = scope_of(user)
    return any(scope.allows(p, agency) for p in permissions)


def _require(user, permissions, feedback: Feedback) -> None:
    if not may(user, permissions, feedback.agency):
        _refuse(None, _("Bạn không có quyền thực hiện việc này với phản ánh này."))


def _locked(feedback: Feedback) -> Feedback:
    return Feedback.objects.select_for_update().select_related("agency").get(pk=feedback.pk)


def _require_state(feedback: Feedback, *states: str) -> None:
    if feedback.state not in states:
        _refuse(
            None,
            _("Phản ánh đang ở tình trạng “%(state)s”: không làm được việc này.")
            % {"state": feedback.get_state_display()},
        )


def _text(value: str) -> str:
    return nfc_keep_lines(value or "")


def follow_path(feedback: Feedback) -> str:
    return reverse("feedback:follow", kwargs={"token": rules.follow_token(feedback)})


def _emit(topic: str, feedback: Feedback, **payload) -> None:
    outbox.emit(topic, aggregate=feedback, code=feedback.code, **payload)


def _set_due(feedback: Feedback) -> None:
    """The deadline the queue orders by: what the agency must do next."""
    feedback.due_at = {
        State.RECEIVED: feedback.intake_due_at,
        State.PROCESSING: feedback.answer_due_at,
        State.AWAITING_INFO: feedback.answer_due_at,
        State.ANSWERED: feedback.publish_due_at,
    }.get(feedback.state)


# --- Intake ------------------------------------------------------------------------------------


@dataclass
class Submission:
    kind: str
    subject: str
    content: str
    sender_name: str
    sender_email: str = ""
    sender_phone: str = ""
    proposal: str = ""
    procedure: object = None
    subject_agency: Agency | None = None
    staff_description: str = ""
    dossier: Dossier | None = None
    province: object = None
    consent_publish: bool = False


def route(submission: Submission) -> Agency | None:
    """The agency responsible (DOMAIN.md §9): the named dossier's resolving agency; the agency
    named; for a procedure the province's listed agency, else the ministry; else the People's
    Committee of the province the sender chose."""
    from motcua.dossiers import routing

    if submission.dossier is not None:
        dossier = submission.dossier
        return dossier.resolving_agency or dossier.receiving_agency
    if submission.subject_agency is not None:
        return submission.subject_agency
    province = submission.province
    procedure = submission.procedure
    if procedure is not None:
        listed = routing.listed_agency(procedure.pk, province.pk) if province else None
        if listed is not None:
            return listed
        if procedure.ministry_id and not province:
            return procedure.ministry
    if province is not None:
        committee = routing.province_agency(province, Agency.Kind.PROVINCE_COMMITTEE)
        if committee is not None:
            return committee
    if procedure is not None and procedure.ministry_id:
        return procedure.ministry
    return None


def submit(submission: Submission, *, sender=None, files=(), request=None) -> Feedback:
    """Register a feedback sent from the portal (files already checked and stored)."""
    agency = route(submission)
    if agency is None:
        _refuse("province", _("Hãy chọn tỉnh, thành phố để chuyển phản ánh đến đúng cơ quan."))
    now = timezone.now()
    contact = submission.sender_email or submission.sender_phone
    with transaction.atomic():
        feedback = Feedback(
            code=rules.next_code(now),
            kind=submission.kind,
            subject=submission.subject,
            procedure=submission.procedure,
            subject_agency=submission.subject_agency,
            staff_description=_text(submission.staff_description),
            dossier=submission.dossier,
            province=submission.province or agency.province,
            field=getattr(submission.procedure, "field", None)
            or getattr(getattr(submission.dossier, "procedure", None), "field", None),
            content=_text(submission.content),
            proposal=_text(submission.proposal),
            sender=sender if sender is not None and sender.is_authenticated else None,
            sender_name=submission.sender_name.strip()[:120],
            sender_email=submission.sender_email.strip(),
            sender_phone=submission.sender_phone.strip(),
            contact_hash=rules.contact_hash(contact),
            consent_publish=submission.consent_publish,
            agency=agency,
            agency_path=agency.path,
            received_at=now,
            clock_from=now,
            **rules.deadlines_from(now),
        )
        _set_due(feedback)
        feedback.save()
        Attachment.objects.bulk_create(Attachment(feedback=feedback, file=f) for f in files)
        audit.record(
            "feedback_sent",
            actor=feedback.sender,
            obj=feedback,
            request=request,
            code=feedback.code,
            subject=feedback.subject,
            agency=agency.code,
            files=len(files),
        )
        _emit("feedback.received", feedback, recipient=_recipient(feedback))
        if feedback.dossier_id:
            outbox.emit(
                "dossier.feedback_received", aggregate=feedback.dossier, feedback=feedback.code
            )
    return feedback


def _recipient(feedback: Feedback) -> str:
    return str(feedback.sender.public_id) if feedback.sender_id else ""


def classify(
    feedback: Feedback,
    *,
    actor,
    decision: str,
    feedback_class: str = "",
    reason: str = "",
    target: Agency | None = None,
    request=None,
) -> Feedback:
    """Intake: ``decision`` "accept" (with the class), "reject" (with the reason) or
    "transfer" (to ``target``, with the reason); the 15 days run again from a transfer."""
    problems: list[tuple[str | None, str]] = []
    reason = _text(reason)
    if decision not in ("accept", "reject", "transfer"):
        problems.append(("decision", _("Hãy chọn cách xử lý: thụ lý, không thụ lý hoặc chuyển.")))
    if decision == "accept" and feedback_class not in (
        FeedbackClass.REGULATION,
        FeedbackClass.CONDUCT,
    ):
        problems.append(("feedback_class", _("Hãy chọn phân loại phản ánh.")))
    if decision in ("reject", "transfer") and not reason:
        problems.append(("reason", _("Hãy ghi lý do.")))
    if decision == "transfer":
        if target is None:
            problems.append(("target", _("Hãy chọn cơ quan có thẩm quyền để chuyển đến.")))
        elif target.pk == feedback.agency_id:
            problems.append(("target", _("Cơ quan chuyển đến phải khác cơ quan hiện tại.")))
    if problems:
        raise FeedbackError(problems)
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(actor, INTAKE, feedback)
        _require_state(feedback, State.RECEIVED)
        now = timezone.now()
        if decision == "reject":
            feedback.state = State.REJECTED
            feedback.reject_reason = reason
            feedback.classified_at = now
        elif decision == "accept":
            feedback.state = State.PROCESSING
            feedback.feedback_class = feedback_class
            feedback.classified_at = now
        else:
            feedback.transferred_from = feedback.agency
            feedback.transferred_at = now
            feedback.transfer_reason = reason
            feedback.agency = target
            feedback.agency_path = target.path
            feedback.clock_from = now
            deadlines = rules.deadlines_from(now)
            feedback.info_due_at = deadlines["info_due_at"]
            feedback.answer_due_at = deadlines["answer_due_at"]
            feedback.intake_due_at = deadlines["intake_due_at"]
        _set_due(feedback)
        feedback.save()
        late = now > (
            rules.add_working_days(feedback.received_at, rules.TRANSFER_WITHIN)
            if decision == "transfer"
            else feedback.intake_due_at
        )
        audit.record(
            f"feedback_{'accepted' if decision == 'accept' else decision + 'ed'}",
            actor=actor,
            obj=feedback,
            request=request,
            code=feedback.code,
            feedback_class=feedback.feedback_class,
            target=target.code if target else "",
            late=late,
        )
        topic = {
            "accept": "feedback.accepted",
            "reject": "feedback.rejected",
            "transfer": "feedback.transferred",
        }
        moved = {"from_path": feedback.transferred_from.path} if decision == "transfer" else {}
        _emit(topic[decision], feedback, recipient=_recipient(feedback), **moved)
    return feedback


# --- Handling ----------------------------------------------------------------------------------


def request_info(feedback: Feedback, *, actor, text: str, request=None) -> Feedback:
    text = _text(text)
    if not text:
        _refuse("info_request", _("Hãy ghi những thông tin cần người gửi bổ sung."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(actor, HANDLE, feedback)
        _require_state(feedback, State.PROCESSING)
        now = timezone.now()
        first = feedback.info_requested_at is None
        feedback.state = State.AWAITING_INFO
        feedback.info_requested_at = now
        feedback.info_request = text
        feedback.info_answer, feedback.info_answered_at = "", None
        _set_due(feedback)
        feedback.save()
        audit.record(
            "feedback_info_requested",
            actor=actor,
            obj=feedback,
            request=request,
            code=feedback.code,
            late=first and now > feedback.info_due_at,
        )
        _emit("feedback.info_requested", feedback, recipient=_recipient(feedback))
    return feedback


def give_info(feedback: Feedback, *, text: str, request=None) -> Feedback:
    """The sender answers a request for more information (through the follow-up link)."""
    text = _text(text)
    if not text:
        _refuse("info_answer", _("Hãy ghi thông tin bổ sung."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require_state(feedback, State.AWAITING_INFO)
        feedback.state = State.PROCESSING
        feedback.info_answer = text
        feedback.info_answered_at = timezone.now()
        _set_due(feedback)
        feedback.save()
        audit.record("feedback_info_given", obj=feedback, request=request, code=feedback.code)
        _emit("feedback.info_given", feedback)
    return feedback


def answer(feedback: Feedback, *, actor, text: str, request=None) -> Feedback:
    text = _text(text)
    if not text:
        _refuse("answer", _("Hãy viết nội dung trả lời."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(actor, HANDLE, feedback)
        _require_state(feedback, State.PROCESSING)
        now = timezone.now()
        feedback.state = State.ANSWERED
        feedback.answer = text
        feedback.answered_at = now
        feedback.answered_by = actor
        feedback.first_answered_at = feedback.first_answered_at or now
        feedback.publish_due_at = rules.add_working_days(now, rules.PUBLISH_WITHIN)
        feedback.published_question = rules.strip_personal_data(feedback.content)
        feedback.published_answer = rules.strip_personal_data(text)
        _set_due(feedback)
        feedback.save()
        audit.record(
            "feedback_answered",
            actor=actor,
            obj=feedback,
            request=request,
            code=feedback.code,
            late=now > feedback.answer_due_at,
        )
        payload = {"path": follow_path(feedback)}
        if feedback.sender_id:
            payload["recipient"] = _recipient(feedback)
        _emit("feedback.answered", feedback, **payload)
    return feedback


def publication_problems(feedback: Feedback, question: str, answer_text: str) -> list:
    problems: list[tuple[str | None, str]] = []
    for field, text, label in (
        ("question", question, _("Nội dung công khai")),
        ("answer", answer_text, _("Trả lời công khai")),
    ):
        if not text:
            problems.append((field, _("%(label)s không được để trống.") % {"label": label}))
            continue
        found = rules.personal_data_in(text)
        if found:
            problems.append(
                (
                    field,
                    _("%(label)s còn thông tin cá nhân: %(kinds)s. Hãy xóa trước khi công khai.")
                    % {"label": label, "kinds": ", ".join(found)},
                )
            )
        name = (feedback.sender_name or "").strip()
        if len(name) >= 4 and fold(name) in fold(text):
            problems.append(
                (
                    field,
                    _("%(label)s còn tên người gửi. Hãy xóa trước khi công khai.")
                    % {"label": label},
                )
            )
    return problems


def publish(
    feedback: Feedback, *, actor, question: str, answer_text: str, request=None
) -> Feedback:
    """Publish the question and answer as edited by staff; refused while either still holds
    a phone number, an e-mail, a 12-digit number or the sender's name."""
    question, answer_text = _text(question), _text(answer_text)
    problems = publication_problems(feedback, question, answer_text)
    if problems:
        raise FeedbackError(problems)
    with transaction.atomic():
        feedback = _locked(feedback)
        _require(actor, PUBLISH, feedback)
        _require_state(feedback, State.ANSWERED)
        now = timezone.now()
        feedback.state = State.PUBLISHED
        feedback.published_question = question
        feedback.published_answer = answer_text
        feedback.published_at = now
        feedback.published_by = actor
        feedback.search_text = fold(f"{question} {answer_text} {feedback.agency.name}")
        _set_due(feedback)
        feedback.save()
        audit.record(
            "feedback_published",
            actor=actor,
            obj=feedback,
            request=request,
            code=feedback.code,
            late=feedback.publish_due_at is not None and now > feedback.publish_due_at,
        )
        _emit("feedback.published", feedback)
    return feedback


# --- The sender's reaction ---------------------------------------------------------------------


def rate_answer(feedback: Feedback, *, rating: str, request=None) -> Feedback:
    if rating not in (Rating.SATISFIED, Rating.NOT_SATISFIED):
        _refuse("rating", _("Hãy chọn hài lòng hoặc không hài lòng."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require_state(feedback, State.ANSWERED, State.PUBLISHED)
        if feedback.rating:
            _refuse(None, _("Bạn đã đánh giá câu trả lời này."))
        feedback.rating = rating
        feedback.rated_at = timezone.now()
        feedback.save(update_fields=["rating", "rated_at", "updated_at"])
        audit.record(
            "feedback_rated", obj=feedback, request=request, code=feedback.code, rating=rating
        )
        _emit("feedback.rated", feedback, rating=rating)
    return feedback


def complain_again(feedback: Feedback, *, text: str, request=None) -> Feedback:
    """The sender is not content with the answer: the item reopens for the agency (counted
    as "complained again"), with 15 working days from now for the new answer."""
    text = _text(text)
    if not text:
        _refuse("complaint", _("Hãy ghi điều bạn chưa đồng ý với câu trả lời."))
    with transaction.atomic():
        feedback = _locked(feedback)
        _require_state(feedback, State.ANSWERED, State.PUBLISHED)
        if feedback.complained_at:
            _refuse(None, _("Bạn đã phản ánh lại một lần; cơ quan đang xem xét."))
        now = timezone.now()
        feedback.complained_at = now
        feedback.complaint = text
        feedback.state = State.PROCESSING
        feedback.due_at = rules.add_working_days(now, rules.ANSWER_WITHIN)
        feedback.save()
        audit.record("feedback_complained_again", obj=feedback, request=request,
                     code=feedback.code)  # fmt: skip
        _emit("feedback.complained_again", feedback)
    return feedback


# --- Satisfaction with a dossier ---------------------------------------------------------------


def rate_dossier(
    dossier: Dossier,
    levels: dict[str, int],
    *,
    comment: str = "",
    user=None,
    via_link: bool = False,
    request=None,
) -> DossierRating:
    """One rating per returned dossier; a "not satisfied" on any criterion opens a follow-up
    task for the resolving agency."""
    levels = {k: int(v) for k, v in levels.items() if k in rules.CRITERION_CODES and v}
    problems: list[tuple[str | None, str]] = []
    if levels.get("overall") not in Level.values:
        problems.append(("overall", _("Hãy chọn mức độ hài lòng chung.")))
    if any(v not in Level.values for v in levels.values()):
        problems.append((None, _("Mức đánh giá không hợp lệ.")))
    if problems:
        raise FeedbackError(problems)
    with transaction.atomic():
        locked = Dossier.objects.select_for_update().get(pk=dossier.pk)
        if locked.status != Status.RETURNED:
            _refuse(None, _("Chỉ đánh giá được hồ sơ đã trả kết quả."))
        if DossierRating.objects.filter(dossier=locked).exists():
            _refuse(None, _("Hồ sơ này đã được đánh giá. Cảm ơn bạn."))
        rating = DossierRating.objects.create(
            dossier=locked,
            rated_by=user if user is not None and user.is_authenticated else None,
            overall=levels["overall"],
            levels=levels,
            comment=_text(comment)[:2000],
            via_link=via_link,
        )
        agency = locked.resolving_agency or locked.receiving_agency
        if rating.not_satisfied and agency is not None:
            FollowUp.objects.create(
                rating=rating, dossier=locked, agency=agency, agency_path=agency.path
            )
        audit.record(
            "dossier_rated",
            actor=rating.rated_by,
            obj=locked,
            request=request,
            overall=rating.overall,
            not_satisfied=rating.not_satisfied,
            via_link=via_link,
        )
        outbox.emit(
            "dossier.rated",
            aggregate=locked,
            code=locked.code,
            overall=rating.overall,
            not_satisfied=rating.not_satisfied,
        )
    return rating


def close_followup(followup: FollowUp, *, actor, note: str, request=None) -> FollowUp:
    note = _text(note)
    if not note:
        _refuse("note", _("Hãy ghi kết quả xử lý trước khi đóng."))
    with transaction.atomic():
        followup = FollowUp.objects.select_for_update().select_related("agency").get(pk=followup.pk)
        if not may(actor, FOLLOW_UP_CLOSE, followup.agency):
            _refuse(None, _("Bạn không có quyền đóng việc này."))
        if followup.closed_at:
            _refuse(None, _("Việc này đã được đóng."))
        followup.closed_at = timezone.now()
        followup.closed_by = actor
        followup.note = note
        followup.save()
        audit.record("followup_closed", actor=actor, obj=followup, request=request)
        outbox.emit("followup.closed", aggregate=followup.dossier, code=followup.dossier.code)
    return followup
