import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kexie.settings")
application = get_wsgi_application()

from kexie.core.crypto import refuse_default_keys  # noqa: E402  (needs the settings loaded)

refuse_default_keys()
