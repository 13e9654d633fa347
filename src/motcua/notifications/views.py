"""The citizen's page of notification preferences, and the demo mailbox: what the demo e-mail
and SMS channels sent, for the embedded installation.

The mailbox exists only when ``MOTCUA_DEMO_MAILBOX`` is on (the embedded default; refused in
production), so that someone trying ``make run`` can read the one-time codes and invitations
the portal sends.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from motcua.accounts.contacts import mask
from motcua.accounts.decorators import citizen_required
from motcua.core.demo import demo_staff_codes

from .channels import account_addresses
from .defaults import CITIZEN_KINDS, DEFAULTS
from .models import DemoMessage, MessageTemplate
from .preferences import choices
from .services import save_preferences

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


@never_cache
@citizen_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """The citizen's choice of channels per kind of message: a plain form (no script), one
    group of two checkboxes per kind; in-app notifications always come."""
    user = request.user
    if request.method == "POST":
        chosen = {
            kind: {
                "email": request.POST.get(f"{kind}-email") == "on",
                "sms": request.POST.get(f"{kind}-sms") == "on",
            }
            for kind in CITIZEN_KINDS
        }
        save_preferences(user, chosen, request=request)
        messages.success(request, _("Đã lưu cách nhận thông báo của bạn."))
        return redirect("notifications_account:preferences")
    current = choices(user)
    labels = dict(MessageTemplate.objects.filter(key__in=CITIZEN_KINDS).values_list("key", "label"))
    rows = [
        {"kind": kind, "label": labels.get(kind) or DEFAULTS[kind]["label"], **current[kind]}
        for kind in CITIZEN_KINDS
    ]
    email, phone = account_addresses(user)
    context = {
        "rows": rows,
        "email": mask(email) if email else "",
        "phone": mask(phone) if phone else "",
    }
    return render(request, "notifications/preferences.html", context)
