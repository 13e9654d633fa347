"""Every change to accounts, people, organisations, delegations and staff; one transaction
each, audited. Views call these; nothing else writes the accounts app's models."""

from .eid import link_eid, login_with_eid, refresh_verified_attributes, resolve_commune

__all__ = ["link_eid", "login_with_eid", "refresh_verified_attributes", "resolve_commune"]
