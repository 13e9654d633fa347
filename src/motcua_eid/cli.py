"""The ``motcua-eid`` command: Django's management commands with ``motcua_eid.settings``.

``motcua-eid bootstrap`` prepares everything (database, signing key, citizens, client);
``motcua-eid rotate_keys`` rotates the signing key. Serve with
``gunicorn motcua_eid.wsgi --bind 127.0.0.1:8001``.
"""

import os
import sys


def main() -> None:
    # Always our settings, even when DJANGO_SETTINGS_MODULE points at the portal's.
    os.environ["DJANGO_SETTINGS_MODULE"] = "motcua_eid.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
