"""Who reads a feedback's attachments: staff whose reach covers the feedback's agency."""

from __future__ import annotations

from .models import Attachment


def staff_read_feedback_files(user, stored_file) -> bool:
    if not user.is_staff_member:
        return False
    from .selectors import staff_feedback

    attached = Attachment.objects.filter(file=stored_file).values("feedback")
    return staff_feedback(user).filter(pk__in=attached).exists()
