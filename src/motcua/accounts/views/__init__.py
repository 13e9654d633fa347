"""Account pages, mounted at ``/tai-khoan/``: thin adapters over the services."""

from .eid import (
    SESSION_KEY,
    eid_callback,
    eid_level,
    eid_link,
    eid_login,
    eid_refresh,
    logout,
    profile,
)

__all__ = [
    "SESSION_KEY",
    "eid_callback",
    "eid_level",
    "eid_link",
    "eid_login",
    "eid_refresh",
    "logout",
    "profile",
]
