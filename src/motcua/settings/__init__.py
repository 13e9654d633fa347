"""Settings: one base module, overlays chosen by MOTCUA_ENV (embedded, production)."""

from .base import *  # noqa: F403
from .base import MOTCUA_ENV

if MOTCUA_ENV == "production":
    from .production import *  # noqa: F403
