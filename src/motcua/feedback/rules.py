"""The rules of feedback handling as data and small functions: time limits (NĐ 20/2008 as the
national index applies them, DOMAIN.md §9), the 12 rating criteria (§10), personal data that
may not be published, codes, signed links and the anti-abuse question."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from motcua.core.calendar import WorkingCalendar

# --- Time limits, in working days (DOMAIN.md §9) -----------------------------------------------

#: Refuse (not accept) within 2 working days of receipt.
REJECT_WITHIN = 2
#: Transfer to the competent agency, and ask the sender for more information the first time,
#: within 5 working days.
TRANSFER_WITHIN = 5
INFO_WITHIN = 5
#: Handle (answer) within 15 working days from receipt or from the transfer.
ANSWER_WITHIN = 15
#: Publish within 2 working days of the answer being ready.
PUBLISH_WITHIN = 2
#: "Due soon" (DOMAIN.md §4): within 24 hours.
DUE_SOON = timedelta(hours=24)


def add_working_days(moment: datetime, days: int) -> datetime:
    return WorkingCalendar.current().add_working_days(moment, days)


def deadlines_from(received: datetime, clock_from: datetime | None = None) -> dict[str, datetime]:
    """The intake, first-information and answer deadlines of an item received at ``received``
    whose 15 days run from ``clock_from`` (the receipt, or the transfer)."""
    clock_from = clock_from or received
    return {
        "intake_due_at": add_working_days(received, REJECT_WITHIN),
        "info_due_at": add_working_days(clock_from, INFO_WITHIN),
        "answer_due_at": add_working_days(clock_from, ANSWER_WITHIN),
    }


def urgency(due_at: datetime | None, now: datetime | None = None) -> str:
    """ "overdue", "soon" (within 24 hours) or "" for a deadline."""
    if due_at is None:
        return ""
    now = now or timezone.now()
    if due_at < now:
        return "overdue"
    return "soon" if due_at - now <= DUE_SOON else ""


# --- Rating criteria (DOMAIN.md §10) -----------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    required: bool = False


CRITERIA: tuple[Criterion, ...] = (
    Criterion("overall", _("Mức độ hài lòng chung"), required=True),
    Criterion("ease", _("Thủ tục dễ thực hiện")),
    Criterion("on_time", _("Trả kết quả đúng hẹn")),
    Criterion("attitude", _("Thái độ của cán bộ")),
    Criterion("time_allowed", _("Thời gian giải quyết so với thời gian cho phép")),
    Criterion("time_rules", _("Thời gian giải quyết so với quy định")),
    Criterion("contacts", _("Số lần phải liên hệ để hoàn thiện hồ sơ")),
    Criterion("agencies", _("Số cơ quan phải liên hệ")),
    Criterion("one_stop", _("Giải quyết theo cơ chế một cửa")),
    Criterion("publicity", _("Công khai thủ tục hành chính")),
    Criterion("feedback", _("Tiếp nhận, xử lý phản ánh, kiến nghị")),
    Criterion("online", _("Chất lượng dịch vụ công trực tuyến")),
)
CRITERION_CODES = tuple(c.code for c in CRITERIA)


# --- Personal data in published text -----------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
#: Vietnamese phone numbers: 0 or +84/84 then 9 digits, separators allowed between groups.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9}(?!\d)")
#: Personal identification numbers: exactly 12 digits (DOMAIN.md §5).
_PID = re.compile(r"(?<!\d)\d{12}(?!\d)")
HIDDEN = "[đã ẩn]"

PERSONAL_DATA = (
    ("email", _EMAIL, _("địa chỉ e-mail")),
    ("pid", _PID, _("số định danh cá nhân (12 chữ số)")),
    ("phone", _PHONE, _("số điện thoại")),
)


def strip_personal_data(text: str) -> str:
    """``text`` with e-mail addresses, 12-digit numbers and phone numbers replaced."""
    for _key, pattern, _label in PERSONAL_DATA:
        text = pattern.sub(HIDDEN, text or "")
    return text


def personal_data_in(text: str) -> list[str]:
    """The kinds of personal data still in ``text`` (their Vietnamese names)."""
    return [str(label) for _key, pattern, label in PERSONAL_DATA if pattern.search(text or "")]


# --- Codes -------------------------------------------------------------------------------------


def next_code(when: datetime) -> str:
    """``PAKN-YYMMDD-XXXX``: a counter row per day, incremented in one locked upsert (like the
    dossier codes); call inside a transaction."""
    from .models import FeedbackCodeCounter

    day = timezone.localtime(when).date()
    table = connection.ops.quote_name(FeedbackCodeCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        number = cursor.fetchone()[0]
    return f"PAKN-{day:%y%m%d}-{number:04d}"


def contact_hash(value: str) -> str:
    text = (value or "").strip().casefold()
    return salted_hmac("motcua.feedback.contact", text, algorithm="sha256").hexdigest()


# --- Signed links --------------------------------------------------------------------------------

FOLLOW_SALT = "motcua.feedback.follow"
RATING_SALT = "motcua.feedback.rating"


def follow_days() -> int:
    return int(getattr(settings, "MOTCUA_FEEDBACK_LINK_DAYS", 365))


def rating_days() -> int:
    return int(getattr(settings, "MOTCUA_RATING_LINK_DAYS", 90))


def follow_token(feedback) -> str:
    return signing.dumps(str(feedback.public_id), salt=FOLLOW_SALT, compress=True)


def rating_token(dossier) -> str:
    return signing.dumps(str(dossier.public_id), salt=RATING_SALT, compress=True)


def read_token(token: str, salt: str, days: int) -> str | None:
    """The public id a token carries, or None when it is forged or older than ``days``."""
    try:
        return str(signing.loads(token, salt=salt, max_age=timedelta(days=days)))
    except signing.BadSignature:  # SignatureExpired is one
        return None


# --- The anti-abuse question -------------------------------------------------------------------

CHALLENGE_SALT = "motcua.feedback.challenge"
CHALLENGE_MAX_AGE = timedelta(hours=2)
NUMBER_WORDS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")


def new_challenge(rng: random.Random | None = None) -> tuple[str, str]:
    """(question, signed token) of a sum of two small numbers written in words."""
    rng = rng or random.SystemRandom()
    a, b = rng.randint(1, 9), rng.randint(1, 9)
    question = f"{NUMBER_WORDS[a].capitalize()} cộng {NUMBER_WORDS[b]} bằng mấy? (viết bằng số)"
    return question, signing.dumps([a, b], salt=CHALLENGE_SALT)


def challenge_question(token: str) -> str | None:
    try:
        a, b = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        return None
    return f"{NUMBER_WORDS[a].capitalize()} cộng {NUMBER_WORDS[b]} bằng mấy? (viết bằng số)"


def challenge_passed(token: str, answer: str) -> bool:
    try:
        a, b = signing.loads(token, salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
        return int((answer or "").strip()) == int(a) + int(b)
    except (signing.BadSignature, TypeError, ValueError):
        return False
