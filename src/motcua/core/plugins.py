"""Registries of plugins: one per outside concern (e-ID providers, population sources, SMS
gateways, business registries …). A plugin class has an ``id`` and a ``label``, is registered
with ``@registry.register``, and implements ``check_config()``; a setting chooses which one
runs.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


class PluginRegistry(Generic[T]):
    """The plugins of one concern, and the one the setting ``setting`` chooses."""

    def __init__(
        self,
        kind: str,
        *,
        setting: str,
        default: str,
        builtins: tuple[str, ...],
        unknown: Callable[[str], Exception],
    ):
        self.kind = kind
        self.setting = setting
        self.default = default
        #: Modules that register the built-in plugins when imported (loaded on first use).
        self.builtins = builtins
        self.unknown = unknown
        self._plugins: dict[str, type[T]] = {}

    def register(self, cls: type[T]) -> type[T]:
        """Class decorator: make a plugin available under its ``id``."""
        plugin_id = cls.id  # type: ignore[attr-defined]
        if plugin_id in self._plugins and self._plugins[plugin_id] is not cls:
            raise ValueError(f"{self.kind} id already registered: {plugin_id}")
        self._plugins[plugin_id] = cls
        return cls

    def available(self) -> dict[str, type[T]]:
        self._load_builtins()
        return dict(self._plugins)

    def configured_id(self) -> str:
        return getattr(settings, self.setting, self.default) or self.default

    def get(self, plugin_id: str | None = None) -> T:
        """An instance of the chosen plugin. Plugins read settings when called: cheap."""
        self._load_builtins()
        wanted = plugin_id or self.configured_id()
        try:
            return self._plugins[wanted]()
        except KeyError:
            raise self.unknown(wanted) from None

    def check_config(self) -> list[str]:
        """Problems with the configured plugin (empty when it is ready)."""
        self._load_builtins()
        wanted = self.configured_id()
        if wanted not in self._plugins:
            known = ", ".join(self._plugins)
            return [f"{self.setting}={wanted!r} is not a known {self.kind} ({known})"]
        return self._plugins[wanted]().check_config()  # type: ignore[attr-defined]

    def _load_builtins(self) -> None:
        for module in self.builtins:
            importlib.import_module(module)
