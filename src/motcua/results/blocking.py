"""pyHanko's synchronous calls run their coroutines with ``asyncio.run``, which refuses to
start where an event loop is already running in the thread (an ASGI server, a browser test
harness in the same process); there the call runs in a short-lived worker thread."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor


def outside_event_loop(function, /, *args, **kwargs):
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()
