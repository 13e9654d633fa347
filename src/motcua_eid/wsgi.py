"""WSGI entry point: ``gunicorn motcua_eid.wsgi --bind 127.0.0.1:8001``."""

import os

from django.core.wsgi import get_wsgi_application

# Always ours: the portal's DJANGO_SETTINGS_MODULE may be exported in the environment.
os.environ["DJANGO_SETTINGS_MODULE"] = "motcua_eid.settings"

application = get_wsgi_application()
