"""Status sync with the national public service portal (Cổng Dịch vụ công quốc gia).

Every received dossier and every change of what the national portal must know is pushed by
the outbox handlers (``handlers.py``) through the configured plugin (``registry.py``): the
``dvcqg`` client of the portal's protocol, the ``demo`` one talking to the bundled demo
receiver (``receiver.py``, its own process), or ``disabled``. ``reconcile.py`` looks the recent
dossiers up every night and reports those the portal holds differently.

This package's ``__init__`` imports nothing: the demo receiver runs as
``python -m motcua.integrations.portal.receiver`` without Django.
"""
