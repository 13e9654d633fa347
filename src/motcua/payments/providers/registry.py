"""Payment providers by id; ``MOTCUA_PAYMENT_PROVIDERS`` lists those offered, first the default."""

from __future__ import annotations

from django.conf import settings

from motcua.core.plugins import PluginRegistry

from .base import PaymentProvider, PaymentProviderError

PROVIDERS: PluginRegistry[PaymentProvider] = PluginRegistry(
    "payment provider",
    setting="MOTCUA_PAYMENT_PROVIDER",
    default="national",
    builtins=("motcua.payments.providers.national", "motcua.payments.providers.gateway"),
    unknown=lambda wanted: PaymentProviderError(f"unknown_provider:{wanted}"),
)
register = PROVIDERS.register
available = PROVIDERS.available


def enabled_ids() -> list[str]:
    known = available()
    return [p for p in getattr(settings, "MOTCUA_PAYMENT_PROVIDERS", []) if p in known]


def get_provider(provider_id: str) -> PaymentProvider:
    return PROVIDERS.get(provider_id)


def check_config() -> list[str]:
    """Problems with every enabled provider (and unknown ids in the list)."""
    known = available()
    problems = []
    for provider_id in getattr(settings, "MOTCUA_PAYMENT_PROVIDERS", []):
        if provider_id not in known:
            problems.append(
                f"MOTCUA_PAYMENT_PROVIDERS names {provider_id!r}, not a known payment provider "
                f"({', '.join(known)})"
            )
        else:
            problems.extend(known[provider_id]().check_config())
    return problems
