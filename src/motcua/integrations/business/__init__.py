"""The national business registration database (CSDL quốc gia về đăng ký doanh nghiệp):
lookup of an organisation by tax code, one plugin per kind of source."""

from .base import BusinessRecord, BusinessRegistry, BusinessRegistryUnavailable
from .registry import get_registry, register

__all__ = [
    "BusinessRecord",
    "BusinessRegistry",
    "BusinessRegistryUnavailable",
    "get_registry",
    "register",
]
