"""The monthly report: on the 1st of each month every leader and supervisor with an e-mail
address receives last month's scorecard of the unit where they hold the role (a summary in the
body, the Excel table attached), through Django's mail (the notifications' e-mail settings).

Once per (unit, month, recipient): each mail sent is recorded as an audit entry
(``stats_monthly_report_sent``, on the recipient, with the unit and the month), checked
under a lock on the recipient's row before sending, so a second run sends nothing and a
failed send is tried again by the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import structlog
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.core import audit
from motcua.core.models import AuditEntry
from motcua.stats import exports, queries, tables
from motcua.units.models import Agency

log = structlog.get_logger(__name__)

ACTION = "stats_monthly_report_sent"
ROLES = (Role.LEADER, Role.SUPERVISOR)


@dataclass(frozen=True)
class Recipient:
    user: User
    agency: Agency


def previous_month(today: date | None = None) -> queries.Period:
    first = (today or timezone.localdate()).replace(day=1)
    before = first - timedelta(days=1)
    return queries.Period.month(before.year, before.month)


def recipients() -> list[Recipient]:
    """Active leaders and supervisors with an e-mail address, once per unit they hold such a
    role at (a staff member holding both at one unit gets one mail)."""
    assignments = (
        RoleAssignment.objects.active()
        .filter(role__in=ROLES, agency__isnull=False, agency__is_active=True)
        .filter(user__is_active=True)
        .exclude(user__email="")
        .select_related("user", "agency")
        .order_by("agency__path", "user_id")
    )
    seen: set[tuple[int, int]] = set()
    found = []
    for assignment in assignments:
        key = (assignment.user_id, assignment.agency_id)
        if key not in seen:
            seen.add(key)
            found.append(Recipient(assignment.user, assignment.agency))
    return found


def _month_key(period) -> str:
    return f"{period.start:%Y-%m}"


def already_sent(recipient: Recipient, period) -> bool:
    return AuditEntry.objects.filter(
        action=ACTION,
        object_type=User._meta.label_lower,
        object_id=str(recipient.user.pk),
        details__unit=recipient.agency.code,
        details__month=_month_key(period),
    ).exists()


def summary(card, recipient: Recipient, period) -> str:
    """The mail's text: the total with its band, then every indicator."""
    agency = recipient.agency
    name = recipient.user.get_full_name() or recipient.user.username
    lines = [
        _("Kính gửi %(name)s,") % {"name": name},
        "",
        _("Chỉ số phục vụ người dân, doanh nghiệp của %(unit)s, %(period)s:")
        % {"unit": agency.name, "period": period.label.lower()},
        "",
        _("Tổng điểm: %(total)s / %(max)s%(band)s")
        % {
            "total": _figure(card.total),
            "max": _figure(card.max_total),
            "band": f" ({card.band})" if card.band else "",
        },
        "",
    ]
    for item in card.indicators:
        ratio = _("chưa có dữ liệu") if item.ratio is None else _figure(item.ratio) + " %"
        points = (
            f" — {_figure(item.points)}/{_figure(item.max_points)} " + _("điểm")
            if item.scored
            else ""
        )
        lines.append(f"- {item.ident} {item.name}: {ratio}{points}")
    lines += [
        "",
        _("Bảng chi tiết ở tệp Excel đính kèm. Xem và tra cứu từng hồ sơ tại trang Chỉ số:"),
        settings.MOTCUA_SITE_URL.rstrip("/") + reverse("stats_staff:dashboard"),
    ]
    return "\n".join(lines)


def _figure(value) -> str:
    if value is None:
        return "—"
    text = f"{value:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return text[:-3] if text.endswith(",00") else text


def _send(recipient: Recipient, period) -> None:
    agency = recipient.agency
    card = queries.scorecard(agency, period)
    table = tables.indicators(
        card,
        unit_code=agency.code,
        unit_name=agency.name,
        period=period,
        period_query="&".join(f"{k}={v}" for k, v in period.params.items()),
    )
    message = EmailMessage(
        subject=_("Chỉ số phục vụ %(period)s — %(unit)s")
        % {"period": period.label.lower(), "unit": agency.name},
        body=summary(card, recipient, period),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[recipient.user.email],
        headers={"X-Motcua-Report": f"{agency.code}/{_month_key(period)}"},
    )
    message.attach(exports.filename(table, "xlsx"), exports.xlsx_bytes(table), exports.XLSX_TYPE)
    message.send(fail_silently=False)


def send_one(recipient: Recipient, period) -> bool:
    """Send one recipient's report unless already sent; True when sent now. The recipient's
    row is locked while checking, sending and recording, so two runs never both send."""
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=recipient.user.pk).first()
        if already_sent(recipient, period):
            return False
        _send(recipient, period)
        audit.record(
            ACTION,
            obj=recipient.user,
            unit=recipient.agency.code,
            month=_month_key(period),
        )
    return True


def send_monthly_reports(today: date | None = None) -> dict[str, int]:
    """Last month's report to every recipient not yet sent it; counts of sent, skipped and
    failed (a failed one is tried again by the next run)."""
    period = previous_month(today)
    counts = {"sent": 0, "skipped": 0, "failed": 0}
    for recipient in recipients():
        try:
            sent = send_one(recipient, period)
        except OSError as error:  # SMTP errors are OSErrors
            counts["failed"] += 1
            log.warning(
                "stats.monthly_report_failed",
                user_id=recipient.user.pk,
                unit=recipient.agency.code,
                error=type(error).__name__,
            )
            continue
        counts["sent" if sent else "skipped"] += 1
    log.info("stats.monthly_reports", month=_month_key(period), **counts)
    return counts
