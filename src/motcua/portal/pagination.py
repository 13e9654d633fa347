"""Which page numbers a results page links to."""

from __future__ import annotations


def page_links(current: int, last: int, around: int = 2) -> list[int | None]:
    """Page numbers to show, ``None`` standing for a gap: 1 … 4 5 [6] 7 8 … 20."""
    if last <= 1:
        return []
    wanted = {1, last, *range(max(1, current - around), min(last, current + around) + 1)}
    pages: list[int | None] = []
    previous = 0
    for number in sorted(wanted):
        if number - previous == 2:
            pages.append(number - 1)
        elif number - previous > 2:
            pages.append(None)
        pages.append(number)
        previous = number
    return pages
