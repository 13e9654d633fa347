"""Every change the back office (and the applicant, after filing) makes to a dossier.

``perform(public_id, action, actor=…, **inputs)`` is the one write path of the lifecycle
(``workflow.TRANSITIONS``): in one transaction it locks the dossier, refuses with a clear
Vietnamese message when the table does not allow the action from the dossier's state or
the actor may not take it, checks the inputs (every problem at once), moves the state and
the deadlines (``deadlines``), and writes the timeline event, the audit entry and the
outbox event ``dossier.status_changed``. The named functions (``accept``, ``approve``…)
are thin aliases for readability at call sites.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import structlog
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.access import scope_of
from motcua.accounts.models import Permission
from motcua.core import audit, outbox, rows
from motcua.core.calendar import WorkingCalendar
from motcua.core.pdf import format_date_vi
from motcua.results import services as results
from motcua.units.models import Agency

from . import deadlines, processes, workflow
from .models import Dossier, DossierEvent, Stage, Status
from .services import DossierError

log = structlog.get_logger(__name__)


class NotAllowed(DossierError):
    """The table or the actor's roles do not allow the action."""


class InvalidInput(DossierError):
    """The action is allowed but what was given is not enough; ``problems`` maps each input
    to its message (all of them at once)."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("invalid", " ".join(problems.values()))


# --- Who may ---------------------------------------------------------------------------------


def _agency(dossier: Dossier, over: str) -> Agency | None:
    if over == workflow.RECEIVING:
        return dossier.receiving_agency
    if over == workflow.HOLDING:
        return dossier.holding_agency or dossier.resolving_agency
    return dossier.resolving_agency


#: Transitions whose event carries what the applicant is told: the list of what is missing,
#: or the reasons (the same text as the slip), so that a message sent later says what this
#: step said, not a later one.
TOLD = {
    "request_fixes": "missing",
    "request_supplement": "missing",
    "refuse": "reasons",
    "stop": "reasons",
    "apologise": "reasons",
}


class System:
    """A verified message from outside acting on a dossier (the payment platform's
    notification confirming a fee): it may take only the actions it is built for, and is
    recorded with no user (the audit entry and the timeline name no one)."""

    is_authenticated = True
    pk = None

    def __init__(self, name: str, actions: frozenset[str]):
        self.name = name
        self.actions = actions

    def __str__(self) -> str:
        return self.name


def may(actor, dossier: Dossier, transition: workflow.Transition) -> bool:
    """Whether ``actor`` may take ``transition`` on ``dossier`` (state aside)."""
    if isinstance(actor, System):
        return transition.action in actor.actions
    if actor is None or not actor.is_authenticated:
        return False
    if transition.actor == workflow.APPLICANT:
        return dossier.submitted_by_id == actor.pk
    scope = scope_of(actor)
    agency = _agency(dossier, transition.over)
    permissions = {transition.actor, *transition.also}
    return any(scope.allows(p, agency, procedure_id=dossier.procedure_id) for p in permissions)


def available(actor, dossier: Dossier) -> list[workflow.Transition]:
    """The actions ``actor`` may take on ``dossier`` now (for the buttons of its page)."""
    state = workflow.state_of(dossier)
    return [t for t in workflow.actions_from(state) if may(actor, dossier, t)]


# --- The write path --------------------------------------------------------------------------


@transaction.atomic
def perform(public_id, action: str, *, actor, request=None, now=None, **inputs) -> Dossier:
    transition = workflow.BY_ACTION.get(action)
    if transition is None:
        raise NotAllowed("unknown_action", _("Thao tác không tồn tại."))
    dossier = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure", "province", "receiving_agency", "resolving_agency")
        .select_related("holding_agency")
        .filter(public_id=public_id)
        .exclude(status=Status.DRAFT)
        .first()
    )
    if dossier is None:
        raise Dossier.DoesNotExist
    if not may(actor, dossier, transition):
        raise NotAllowed(
            "forbidden",
            _("Bạn không có quyền %(action)s đối với hồ sơ này.") % {"action": transition.label},
        )
    state = workflow.state_of(dossier)
    if state not in transition.sources:
        raise NotAllowed(
            "wrong_state",
            _("Không thể %(action)s khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"action": transition.label, "status": _status_label(dossier)},
        )
    now = now or timezone.now()
    effect = EFFECTS[action]
    outcome = effect(dossier, actor=actor, now=now, **inputs) or {}
    target = outcome.pop("state", None) or transition.target or state
    dossier.status, dossier.stage = target
    if transition.finishes:
        deadlines.finish(dossier, now)
    dossier.save()
    user = None if isinstance(actor, System) else actor
    processes.record(dossier, action, actor=user, now=now)
    public_text = outcome.pop("public_text", None) or _("Hồ sơ: %(action)s.") % {
        "action": transition.label
    }
    note = str(outcome.pop("note", ""))[:4000]
    rows.insert(
        DossierEvent(
            dossier=dossier,
            at=now,
            status=dossier.status,
            action=action,
            public_text=public_text[:500],
            note=note,
            actor=user,
            agency=_agency(dossier, transition.over),
        )
    )
    audit.record(f"dossier_{action}", actor=user, obj=dossier, request=request, code=dossier.code)
    outbox.emit(
        "dossier.status_changed",
        aggregate=dossier,
        code=dossier.code,
        action=action,
        status=dossier.status,
        stage=dossier.stage,
        appointment_at=dossier.appointment_at.isoformat() if dossier.appointment_at else None,
        due_at=dossier.due_at.isoformat() if dossier.due_at else None,
        **({TOLD[action]: note} if action in TOLD else {}),
    )
    log.info("dossiers.transition", code=dossier.code, action=action, status=dossier.status)
    return dossier


def _status_label(dossier: Dossier) -> str:
    label = str(Status(dossier.status).label)
    if dossier.stage:
        label += f" — {Stage(dossier.stage).label}"
    return label


def _required(inputs: dict[str, Any], **messages: str) -> dict[str, str]:
    return {name: message for name, message in messages.items() if not inputs.get(name)}


def _reasons(inputs: dict[str, Any], what: str) -> str:
    problems = _required(inputs, reasons=_("Hãy ghi rõ lý do %(what)s.") % {"what": what})
    if problems:
        raise InvalidInput(problems)
    return str(inputs["reasons"]).strip()


# --- Effects: what each action changes besides the state ------------------------------------

Effect = Callable[..., dict | None]


def _request_fixes(dossier, *, actor, now, **inputs):
    if dossier.fixes_requested_at is not None:
        raise NotAllowed(
            "once", _("Chỉ được yêu cầu hoàn thiện hồ sơ một lần, liệt kê đầy đủ những gì thiếu.")
        )
    missing = _missing(inputs)
    dossier.fixes_requested_at = now
    return {
        "public_text": _("Cần hoàn thiện hồ sơ trước khi tiếp nhận: %(missing)s")
        % {"missing": missing},
        "note": missing,
    }


def _missing(inputs) -> str:
    problems = _required(
        inputs, missing=_("Hãy liệt kê đầy đủ những giấy tờ, nội dung cần bổ sung (một lần).")
    )
    if problems:
        raise InvalidInput(problems)
    return str(inputs["missing"]).strip()


def _submit_fixes(dossier, *, actor, now, **inputs):
    return {"public_text": _("Người nộp đã hoàn thiện hồ sơ; chờ cơ quan tiếp nhận.")}


def _accept(dossier, *, actor, now, **inputs):
    dossier.received_at = now
    deadlines.start(dossier, now)
    return {
        "public_text": _("Đã tiếp nhận hồ sơ; ngày hẹn trả kết quả %(day)s.")
        % {"day": format_date_vi(dossier.appointment_at)}
    }


def _refuse(dossier, *, actor, now, **inputs):
    reasons = _reasons(inputs, _("từ chối tiếp nhận"))
    return {"public_text": _("Hồ sơ không được tiếp nhận: %(r)s") % {"r": reasons}, "note": reasons}


def _assign(dossier, *, actor, now, assignee=None, **inputs):
    from motcua.accounts.models import User

    if assignee is not None and not isinstance(assignee, User):
        assignee = User.objects.filter(pk=assignee).first()
    if assignee is None:
        raise InvalidInput({"assignee": _("Hãy chọn chuyên viên xử lý.")})
    if not scope_of(assignee).allows(
        Permission.DOSSIER_PROCESS, dossier.resolving_agency, procedure_id=dossier.procedure_id
    ):
        raise InvalidInput(
            {"assignee": _("Người được chọn không có quyền xử lý hồ sơ của cơ quan này.")}
        )
    dossier.assigned_to = assignee
    return {
        "public_text": _("Hồ sơ đang được xử lý."),
        "note": _("Phân công: %(name)s") % {"name": assignee.get_full_name() or assignee},
    }


def _request_supplement(dossier, *, actor, now, **inputs):
    missing = _missing(inputs)
    limit = settings.MOTCUA_SUPPLEMENT_WITHIN_DAYS
    if deadlines.working_days_since(dossier.received_at, now) > limit:
        raise NotAllowed(
            "too_late",
            _(
                "Chỉ được yêu cầu bổ sung trong %(n)s ngày làm việc kể từ ngày tiếp nhận; "
                "hồ sơ này đã quá thời hạn đó."
            )
            % {"n": limit},
        )
    dossier.supplement_count += 1
    deadlines.pause(dossier, now)
    return {
        "public_text": _("Cơ quan yêu cầu bổ sung hồ sơ: %(missing)s") % {"missing": missing},
        "note": missing,
    }


def _supplement_arrived(dossier, *, actor, now, note="", **inputs):
    deadlines.resume(dossier, now)
    state = workflow.PROCESSING if dossier.assigned_to_id else workflow.RECEIVED
    return {
        "state": state,
        "public_text": _("Đã nhận hồ sơ bổ sung; ngày hẹn trả kết quả mới %(day)s.")
        % {"day": format_date_vi(dossier.appointment_at)},
        "note": note,
    }


def _request_payment(dossier, *, actor, now, **inputs):
    return {"public_text": _("Mời ông/bà thực hiện nghĩa vụ tài chính để hồ sơ được xử lý tiếp.")}


def _confirm_payment(dossier, *, actor, now, **inputs):
    return {"public_text": _("Đã ghi nhận việc nộp phí, lệ phí.")}


def _hand_off(dossier, *, actor, now, agency=None, days=None, **inputs):
    problems = {}
    if not isinstance(agency, Agency):
        agency = Agency.objects.active().filter(pk=agency).first() if agency else None
    if agency is None:
        problems["agency"] = _("Hãy chọn cơ quan phối hợp xử lý.")
    elif agency.pk == dossier.resolving_agency_id:
        problems["agency"] = _("Hãy chọn một cơ quan khác với cơ quan đang giải quyết.")
    try:
        days = float(days)
        if days <= 0:
            raise ValueError
    except (TypeError, ValueError):
        problems["days"] = _("Hãy nhập thời hạn xử lý của cơ quan phối hợp, số ngày làm việc.")
    if problems:
        raise InvalidInput(problems)
    dossier.holding_agency = agency
    dossier.holding_due_at = WorkingCalendar.current().add_working_days(now, days)
    return {
        "public_text": _("Hồ sơ được chuyển %(agency)s phối hợp xử lý.") % {"agency": agency.name},
        "note": str(inputs.get("note", "")),
    }


def _hand_back(dossier, *, actor, now, **inputs):
    name = dossier.holding_agency.name if dossier.holding_agency_id else ""
    dossier.holding_agency = None
    dossier.holding_due_at = None
    return {
        "public_text": _("%(agency)s đã xử lý xong phần việc liên thông.") % {"agency": name},
        "note": str(inputs.get("note", "")),
    }


def _propose(dossier, *, actor, now, **inputs):
    return {"public_text": _("Hồ sơ đang chờ lãnh đạo phê duyệt."), "note": inputs.get("note", "")}


def _send_back(dossier, *, actor, now, **inputs):
    reasons = _reasons(inputs, _("trả lại"))
    return {"public_text": _("Hồ sơ đang được xử lý."), "note": reasons}


def _approve(dossier, *, actor, now, **inputs):
    result = results.issue(dossier, actor=actor, now=now)
    return {
        "public_text": _("Đã có kết quả giải quyết (kết quả điện tử số %(number)s, đã ký số).")
        % {"number": result.number}
    }


def _stop(dossier, *, actor, now, **inputs):
    reasons = _reasons(inputs, _("dừng giải quyết"))
    dossier.paused_at = None
    return {
        "public_text": _("Cơ quan dừng giải quyết hồ sơ: %(r)s") % {"r": reasons},
        "note": reasons,
    }


def _apologise(dossier, *, actor, now, new_date=None, **inputs):
    if dossier.apologised_at is not None:
        raise NotAllowed("once", _("Chỉ được xin lỗi và hẹn lại ngày trả kết quả một lần."))
    problems = _required(inputs, reasons=_("Hãy ghi rõ lý do chậm trả kết quả."))
    current = dossier.appointment_at
    if current is None:
        raise NotAllowed("no_date", _("Hồ sơ chưa có ngày hẹn trả kết quả."))
    if not deadlines.at_least_one_working_day_before(now, current):
        raise NotAllowed(
            "too_late",
            _(
                "Phải xin lỗi và hẹn lại chậm nhất 1 ngày làm việc trước ngày hẹn trả "
                "(%(day)s); đã quá thời điểm đó."
            )
            % {"day": format_date_vi(current)},
        )
    if not isinstance(new_date, datetime):
        problems["new_date"] = _("Hãy chọn ngày hẹn trả kết quả mới.")
    elif new_date <= current:
        problems["new_date"] = _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(day)s).") % {
            "day": format_date_vi(current)
        }
    if problems:
        raise InvalidInput(problems)
    dossier.apologised_at = now
    dossier.appointment_at = new_date
    return {
        "public_text": _(
            "Cơ quan xin lỗi vì chậm trả kết quả (%(reasons)s) và hẹn lại ngày %(day)s."
        )
        % {"reasons": inputs["reasons"], "day": format_date_vi(new_date)},
        "note": inputs["reasons"],
    }


def _request_withdrawal(dossier, *, actor, now, **inputs):
    dossier.withdrawn_at = now
    return {"public_text": _("Người nộp đề nghị rút hồ sơ; chờ cơ quan xác nhận.")}


def _confirm_withdrawal(dossier, *, actor, now, **inputs):
    dossier.paused_at = None
    return {"public_text": _("Cơ quan đã xác nhận việc rút hồ sơ; hồ sơ dừng giải quyết.")}


def _return_result(dossier, *, actor, now, method=None, **inputs):
    dossier.returned_at = now
    return {"public_text": _("Đã trả kết quả.")}


EFFECTS: dict[str, Effect] = {
    "request_fixes": _request_fixes,
    "submit_fixes": _submit_fixes,
    "accept": _accept,
    "refuse": _refuse,
    "assign": _assign,
    "request_supplement": _request_supplement,
    "receive_supplement": _supplement_arrived,
    "answer_supplement": _supplement_arrived,
    "request_payment": _request_payment,
    "confirm_payment": _confirm_payment,
    "hand_off": _hand_off,
    "hand_back": _hand_back,
    "propose": _propose,
    "send_back": _send_back,
    "approve": _approve,
    "stop": _stop,
    "apologise": _apologise,
    "request_withdrawal": _request_withdrawal,
    "confirm_withdrawal": _confirm_withdrawal,
    "return_result": _return_result,
}


# --- Overdue and due soon (a scheduled job) ---------------------------------------------------

#: Where the agency's clock may run.
CLOCK_STATUSES = (Status.RECEIVED, Status.IN_PROGRESS, Status.SUPPLEMENT, Status.PAYMENT)


def flag_deadlines(now=None) -> tuple[int, int]:
    """Emit ``dossier.due_soon`` (within 24 hours of the appointment) and ``dossier.overdue``
    (past it) once per dossier; the clock paused for a supplement does not count. Returns
    (due soon, overdue). Run every few minutes (``motcua deadlines``)."""
    now = now or timezone.now()
    open_ = Dossier.objects.filter(status__in=CLOCK_STATUSES, paused_at__isnull=True)
    counts = []
    for field, condition, topic in (
        ("due_soon_notified_at", {"appointment_at__gt": now,
                                  "appointment_at__lte": now + timedelta(hours=24)}, "due_soon"),
        ("overdue_notified_at", {"appointment_at__lte": now}, "overdue"),
    ):  # fmt: skip
        count = 0
        ids = open_.filter(**condition, **{f"{field}__isnull": True}).values_list("pk", flat=True)
        for pk in list(ids[:1000]):
            with transaction.atomic():
                dossier = (
                    Dossier.objects.select_for_update()
                    .filter(pk=pk, **{f"{field}__isnull": True})
                    .first()
                )
                if dossier is None:
                    continue
                setattr(dossier, field, now)
                dossier.save(update_fields=[field, "updated_at"])
                outbox.emit(
                    f"dossier.{topic}",
                    aggregate=dossier,
                    code=dossier.code,
                    appointment_at=dossier.appointment_at.isoformat(),
                )
                count += 1
        counts.append(count)
    return counts[0], counts[1]


def _alias(action: str) -> Callable[..., Dossier]:
    def run(public_id, *, actor, request=None, **inputs) -> Dossier:
        return perform(public_id, action, actor=actor, request=request, **inputs)

    run.__name__ = action
    run.__doc__ = f"``perform(…, {action!r})``: {workflow.BY_ACTION[action].label}."
    return run


submit_fixes = _alias("submit_fixes")
accept = _alias("accept")
refuse = _alias("refuse")
request_fixes = _alias("request_fixes")
assign = _alias("assign")
request_supplement = _alias("request_supplement")
receive_supplement = _alias("receive_supplement")
answer_supplement = _alias("answer_supplement")
hand_off = _alias("hand_off")
hand_back = _alias("hand_back")
propose = _alias("propose")
send_back = _alias("send_back")
approve = _alias("approve")
stop = _alias("stop")
apologise = _alias("apologise")
request_withdrawal = _alias("request_withdrawal")
confirm_withdrawal = _alias("confirm_withdrawal")
return_result = _alias("return_result")
