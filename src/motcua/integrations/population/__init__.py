"""The national population database (CSDLQG về dân cư): prefill sources, one plugin per kind.

``registry.get_source()`` returns the configured plugin; callers use ``services.prefill_for``.
"""

from .base import PopulationError, PopulationRecord, PopulationSource, PopulationUnavailable
from .registry import get_source, register

__all__ = [
    "PopulationError",
    "PopulationRecord",
    "PopulationSource",
    "PopulationUnavailable",
    "get_source",
    "register",
]
