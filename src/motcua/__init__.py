"""motcua: one-stop public service portal."""

__version__ = "0.1.0"
