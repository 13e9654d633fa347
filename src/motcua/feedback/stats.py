"""What the statistics need from feedback and ratings (indicators 5.1–5.4, DOMAIN.md §11).

- :func:`dossier_flags`: per dossier, (a "not satisfied" overall rating, a PAKN about it).
- :func:`feedback_counts`: the counts of the items received in a period by an agency subtree;
  :func:`feedback_counts_many` the same for many (subtree, period) pairs in two statements.
- :func:`feedback_items`: the rows behind a count, each with a Vietnamese reason.

"On time" is handled (first answered) within 15 working days from receipt or from the
transfer (``answer_due_at``); rejected items are not counted (not accepted for handling).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from .models import DossierRating, Feedback, FeedbackClass, Level, Rating, State


def dossier_flags(dossier_ids: Iterable[int]) -> dict[int, tuple[bool, bool]]:
    ids = list(dict.fromkeys(int(i) for i in dossier_ids))
    flags = dict.fromkeys(ids, (False, False))
    if not ids:
        return flags
    unhappy: set[int] = set()
    named: set[int] = set()
    for start in range(0, len(ids), 5000):
        chunk = ids[start : start + 5000]
        unhappy.update(
            DossierRating.objects.filter(
                dossier_id__in=chunk, overall=Level.NOT_SATISFIED
            ).values_list("dossier_id", flat=True)
        )
        named.update(
            Feedback.objects.filter(dossier_id__in=chunk)
            .exclude(state=State.REJECTED)
            .values_list("dossier_id", flat=True)
        )
    return {i: (i in unhappy, i in named) for i in ids}


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    low = datetime.combine(start, time.min, tzinfo=tz)
    high = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    return low, high


def _received(path_prefix: str, start: date, end: date) -> QuerySet[Feedback]:
    low, high = _bounds(start, end)
    items = Feedback.objects.filter(received_at__gte=low, received_at__lt=high).exclude(
        state=State.REJECTED
    )
    if path_prefix:
        items = items.filter(agency_path__startswith=path_prefix)
    return items


def _on_time(at: datetime) -> Q:
    return Q(first_answered_at__isnull=False, first_answered_at__lte=at) & Q(
        first_answered_at__lte=F("answer_due_at")
    )


def _open(at: datetime) -> Q:
    return Q(first_answered_at__isnull=True) | Q(first_answered_at__gt=at)


def _overdue(at: datetime) -> Q:
    late = Q(first_answered_at__isnull=False, first_answered_at__lte=at) & Q(
        first_answered_at__gt=F("answer_due_at")
    )
    return late | (_open(at) & Q(answer_due_at__lt=at))


def _parts(at: datetime) -> dict[str, Q]:
    return {
        "on_time": _on_time(at),
        "open_in_time": _open(at) & Q(answer_due_at__gte=at),
        "not_satisfied": Q(rating=Rating.NOT_SATISFIED),
        "complained_again": Q(complained_at__isnull=False, complained_at__lte=at),
        "overdue": _overdue(at),
    }


def feedback_counts(path_prefix: str, start: date, end: date, at: datetime) -> dict:
    items = _received(path_prefix, start, end)
    parts = _parts(at)
    totals = items.aggregate(
        received=Count("pk"), **{name: Count("pk", filter=q) for name, q in parts.items()}
    )
    by_class = {code or "unclassified": 0 for code in FeedbackClass.values}
    for row in items.values("feedback_class").annotate(n=Count("pk")).order_by():
        by_class[row["feedback_class"] or "unclassified"] = row["n"]
    return {**{key: int(value or 0) for key, value in totals.items()}, "by_class": by_class}


def _overlap(a: tuple[str, date, date], b: tuple[str, date, date]) -> bool:
    """Whether two (subtree, start, end) pairs may count the same item."""
    (path_a, start_a, end_a), (path_b, start_b, end_b) = a, b
    nested = path_a.startswith(path_b) or path_b.startswith(path_a)
    return nested and start_a <= end_b and start_b <= end_a


def feedback_counts_many(keys: Iterable[tuple[str, date, date]], at: datetime) -> list[dict]:
    """``[feedback_counts(path, start, end, at) for path, start, end in keys]`` in two grouped
    statements when no two pairs can count the same item (sibling subtrees, or periods that do
    not overlap); otherwise one pair after another."""
    keys = list(keys)
    if any(_overlap(a, b) for i, a in enumerate(keys) for b in keys[i + 1 :]):
        return [feedback_counts(path, start, end, at) for path, start, end in keys]
    found = [
        {"received": 0, **dict.fromkeys(_parts(at), 0),
         "by_class": {code or "unclassified": 0 for code in FeedbackClass.values}}
        for _key in keys
    ]  # fmt: skip
    if not keys:
        return found
    whens, anywhere = [], Q(pk__in=[])
    for index, (path, start, end) in enumerate(keys):
        low, high = _bounds(start, end)
        condition = Q(received_at__gte=low, received_at__lt=high)
        if path:
            condition &= Q(agency_path__startswith=path)
        whens.append(When(condition, then=Value(index)))
        anywhere |= condition
    items = (
        Feedback.objects.filter(anywhere)
        .exclude(state=State.REJECTED)
        .annotate(bucket=Case(*whens, default=Value(-1), output_field=IntegerField()))
    )
    parts = _parts(at)
    totals = (
        items.values("bucket")
        .annotate(
            received=Count("pk"), **{name: Count("pk", filter=q) for name, q in parts.items()}
        )
        .order_by()
    )
    for row in totals:
        if row["bucket"] >= 0:
            found[row["bucket"]].update({key: int(row[key] or 0) for key in ("received", *parts)})
    for row in items.values("bucket", "feedback_class").annotate(n=Count("pk")).order_by():
        if row["bucket"] >= 0:
            found[row["bucket"]]["by_class"][row["feedback_class"] or "unclassified"] = row["n"]
    return found


@dataclass(frozen=True)
class FeedbackRow:
    code: str
    agency: str
    received_at: datetime
    answer_due_at: datetime
    answered_at: datetime | None
    reason: str


def _reason(item: Feedback, at: datetime) -> str:
    answered = item.first_answered_at is not None and item.first_answered_at <= at
    if answered and item.first_answered_at <= item.answer_due_at:
        reason = "Trả lời đúng hạn"
    elif answered:
        reason = "Trả lời quá hạn"
    elif item.answer_due_at >= at:
        reason = "Đang xử lý, còn trong hạn"
    else:
        reason = "Đang xử lý, đã quá hạn"
    extra = []
    if item.rating == Rating.NOT_SATISFIED:
        extra.append("người gửi không hài lòng")
    if item.complained_at and item.complained_at <= at:
        extra.append("người gửi phản ánh lại")
    return reason + (f" ({', '.join(extra)})" if extra else "")


def feedback_items(
    path_prefix: str,
    start: date,
    end: date,
    at: datetime,
    part: str,
    *,
    indicator: str = "5.2",
) -> list[FeedbackRow]:
    """The items behind a part of 5.2 or 5.3: ``"denominator"`` every item received (not
    rejected); ``"numerator"`` for 5.2 those handled on time or open within time, for 5.3
    those not rated "not satisfied", not complained again and not overdue."""
    if part not in ("numerator", "denominator"):
        raise ValueError(f"part must be numerator or denominator, got {part!r}")
    items = _received(path_prefix, start, end).select_related("agency")
    if part == "numerator":
        parts = _parts(at)
        if indicator == "5.3":
            items = items.exclude(
                parts["not_satisfied"] | parts["complained_again"] | parts["overdue"]
            )
        else:
            items = items.filter(parts["on_time"] | parts["open_in_time"])
    return [
        FeedbackRow(
            code=item.code,
            agency=item.agency.name,
            received_at=item.received_at,
            answer_due_at=item.answer_due_at,
            answered_at=item.first_answered_at,
            reason=_reason(item, at),
        )
        for item in items.order_by("received_at", "pk")
    ]
