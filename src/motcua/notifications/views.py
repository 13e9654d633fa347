"""The demo mailbox: what the demo e-mail and SMS channels sent, for the embedded installation.

It exists only when ``MOTCUA_DEMO_MAILBOX`` is on (the embedded default; refused in
production), so that someone trying ``make run`` can read the one-time codes and invitations
the portal sends.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from motcua.core.demo import demo_staff_codes

from .models import DemoMessage

SHOWN = 30


@never_cache
@require_GET
def mailbox(request: HttpRequest) -> HttpResponse:
    if not getattr(settings, "MOTCUA_DEMO_MAILBOX", False):
        raise Http404
    context = {
        "messages_sent": DemoMessage.objects.all()[:SHOWN],
        "staff_codes": demo_staff_codes(),
    }
    return render(request, "notifications/mailbox.html", context)
