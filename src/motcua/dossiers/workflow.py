"""The dossier lifecycle of DOMAIN.md §4 as data: states, and the transitions between them.

A *state* is the national status code with a stage inside it (``models.Stage``): the status
says what the national portal and the citizen see; the stage says whose turn it is (waiting
for assignment, with the specialist, with the leader, at another agency). Each transition
names the states it leaves from, the state it leads to (None: the same), who may perform it
(a staff permission over the dossier's agency, or the applicant) and whether it ends the
processing (DOMAIN.md §8). ``dossiers.processing`` performs them; the tests enumerate the
whole table, every pair of state and action.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Permission

from .models import Stage, Status

State = tuple[int, str]

#: Every state a filed dossier can be in.
STATES: tuple[State, ...] = (
    (Status.SUBMITTED, Stage.NONE),
    (Status.SUBMITTED, Stage.AWAITING_FIXES),
    (Status.RECEIVED, Stage.ASSIGNMENT),
    (Status.REFUSED, Stage.NONE),
    (Status.IN_PROGRESS, Stage.PROCESSING),
    (Status.IN_PROGRESS, Stage.APPROVAL),
    (Status.IN_PROGRESS, Stage.ELSEWHERE),
    (Status.SUPPLEMENT, Stage.NONE),
    (Status.PAYMENT, Stage.NONE),
    (Status.WITHDRAWN, Stage.NONE),
    (Status.WITHDRAWN, Stage.WITHDRAWAL),
    (Status.STOPPED, Stage.NONE),
    (Status.DONE, Stage.NONE),
    (Status.RETURNED, Stage.NONE),
)

#: The agency a permission is checked against.
RECEIVING, RESOLVING, HOLDING = "receiving", "resolving", "holding"
#: Who performs a transition that is not staff's.
APPLICANT = "applicant"


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[State]
    target: State | None
    #: A staff permission (``accounts.Permission``) or APPLICANT.
    actor: str
    #: Which of the dossier's agencies the permission must reach.
    over: str = RESOLVING
    finishes: bool = False
    #: Other permissions that may perform it as well (e.g. the desk or the specialist).
    also: frozenset[str] = frozenset()


def _states(*states: State) -> frozenset[State]:
    return frozenset(states)


NEW = (Status.SUBMITTED, Stage.NONE)
FIXES = (Status.SUBMITTED, Stage.AWAITING_FIXES)
RECEIVED = (Status.RECEIVED, Stage.ASSIGNMENT)
PROCESSING = (Status.IN_PROGRESS, Stage.PROCESSING)
APPROVAL = (Status.IN_PROGRESS, Stage.APPROVAL)
ELSEWHERE = (Status.IN_PROGRESS, Stage.ELSEWHERE)
SUPPLEMENT = (Status.SUPPLEMENT, Stage.NONE)
PAYMENT = (Status.PAYMENT, Stage.NONE)
WITHDRAWAL = (Status.WITHDRAWN, Stage.WITHDRAWAL)
#: Where the agency has the dossier and is working on it (apology, stop, withdrawal).
OPEN = _states(RECEIVED, PROCESSING, APPROVAL, ELSEWHERE, SUPPLEMENT, PAYMENT)

P = Permission
TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "request_fixes", _("yêu cầu hoàn thiện trước khi tiếp nhận"), _states(NEW), FIXES,
        P.DOSSIER_RECEIVE, over=RECEIVING,
    ),
    Transition(
        "submit_fixes", _("nộp lại hồ sơ đã hoàn thiện"), _states(FIXES), NEW, APPLICANT,
    ),
    Transition(
        "accept", _("tiếp nhận hồ sơ"), _states(NEW, FIXES), RECEIVED, P.DOSSIER_RECEIVE,
        over=RECEIVING,
    ),
    Transition(
        "refuse", _("từ chối tiếp nhận"), _states(NEW, FIXES), (Status.REFUSED, Stage.NONE),
        P.DOSSIER_RECEIVE, over=RECEIVING, finishes=True,
    ),
    Transition(
        "assign", _("phân công xử lý"), _states(RECEIVED, PROCESSING), PROCESSING,
        P.DOSSIER_ASSIGN,
    ),
    Transition(
        "request_supplement", _("yêu cầu bổ sung hồ sơ"), _states(RECEIVED, PROCESSING),
        SUPPLEMENT, P.DOSSIER_PROCESS, also=frozenset({P.DOSSIER_RECEIVE}),
    ),
    Transition(
        "receive_supplement", _("nhận hồ sơ bổ sung"), _states(SUPPLEMENT), None,
        P.DOSSIER_RECEIVE, over=RECEIVING,
    ),
    Transition(
        "answer_supplement", _("nộp bổ sung hồ sơ"), _states(SUPPLEMENT), None, APPLICANT,
    ),
    Transition(
        "request_payment", _("yêu cầu thực hiện nghĩa vụ tài chính"), _states(PROCESSING),
        PAYMENT, P.DOSSIER_PROCESS,
    ),
    Transition(
        "confirm_payment", _("xác nhận đã nộp phí, lệ phí"), _states(PAYMENT), PROCESSING,
        P.DOSSIER_RECEIVE, over=RECEIVING,
    ),
    Transition(
        "hand_off", _("chuyển xử lý liên thông"), _states(PROCESSING), ELSEWHERE,
        P.DOSSIER_HAND_OFF,
    ),
    Transition(
        "hand_back", _("trả lại kết quả xử lý liên thông"), _states(ELSEWHERE), PROCESSING,
        P.DOSSIER_PROCESS, over=HOLDING, also=frozenset({P.DOSSIER_HAND_OFF}),
    ),
    Transition(
        "propose", _("trình lãnh đạo phê duyệt"), _states(PROCESSING), APPROVAL,
        P.DOSSIER_PROCESS,
    ),
    Transition(
        "send_back", _("trả lại chuyên viên"), _states(APPROVAL), PROCESSING, P.DOSSIER_DECIDE,
    ),
    Transition(
        "approve", _("phê duyệt kết quả"), _states(APPROVAL), (Status.DONE, Stage.NONE),
        P.DOSSIER_DECIDE, finishes=True,
    ),
    Transition(
        "stop", _("dừng giải quyết hồ sơ"), OPEN, (Status.STOPPED, Stage.NONE),
        P.DOSSIER_DECIDE, finishes=True,
    ),
    Transition(
        "apologise", _("xin lỗi và hẹn lại ngày trả kết quả"), OPEN, None, P.DOSSIER_PROCESS,
        also=frozenset({P.DOSSIER_DECIDE, P.DOSSIER_RECEIVE}),
    ),
    Transition(
        "request_withdrawal", _("đề nghị rút hồ sơ"), OPEN, WITHDRAWAL, APPLICANT,
    ),
    Transition(
        "confirm_withdrawal", _("xác nhận rút hồ sơ"), _states(WITHDRAWAL),
        (Status.STOPPED, Stage.NONE), P.DOSSIER_RECEIVE, over=RECEIVING, finishes=True,
    ),
    Transition(
        "return_result", _("trả kết quả"), _states((Status.DONE, Stage.NONE)),
        (Status.RETURNED, Stage.NONE), P.DOSSIER_RETURN, over=RECEIVING,
    ),
)  # fmt: skip
del P

BY_ACTION: dict[str, Transition] = {t.action: t for t in TRANSITIONS}


def state_of(dossier) -> State:
    return (dossier.status, dossier.stage or Stage.NONE)


def allowed(state: State, action: str) -> bool:
    """Whether the table has ``action`` leaving from ``state``."""
    transition = BY_ACTION.get(action)
    return transition is not None and state in transition.sources


def actions_from(state: State) -> list[Transition]:
    """The transitions the table allows from ``state`` (who may take them is checked apart)."""
    return [t for t in TRANSITIONS if state in t.sources]
