"""e-ID login (VNeID and compatible OpenID Connect providers), one plugin per provider kind.

``registry.get_provider()`` returns the configured plugin; views only talk to the interface in
``base.py``.
"""

from .base import EidError, EidIdentity, EidProvider
from .registry import get_provider, register

__all__ = ["EidError", "EidIdentity", "EidProvider", "get_provider", "register"]
