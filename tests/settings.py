"""Settings for the test suite: a throwaway data directory; DATABASE_URL (set by tests/pg.py) selects PostgreSQL."""

import os
import tempfile

os.environ.setdefault("VIGIL_DATA_DIR", tempfile.mkdtemp(prefix="vigil-test-"))
# Keys apart from the data, as production must keep them (debug is off in tests; settings check the layout).
_keys = os.environ.setdefault("VIGIL_TEST_KEYS_DIR", tempfile.mkdtemp(prefix="vigil-test-keys-"))
os.environ.setdefault("VIGIL_MASTER_KEY_FILE", os.path.join(_keys, "master.key"))
os.environ.setdefault("VIGIL_LOG_SIGNING_KEY_FILE", os.path.join(_keys, "log-signing.key"))
os.environ.setdefault("VIGIL_SECRET_KEY_FILE", os.path.join(_keys, "secret_key"))
try:
    _fd = os.open(os.environ["VIGIL_SECRET_KEY_FILE"], os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
except FileExistsError:
    pass
else:
    import secrets

    with open(_fd, "w") as _f:
        _f.write(secrets.token_urlsafe(50))
os.environ.setdefault("VIGIL_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("VIGIL_NOTIFY_BACKENDS", "inbox")

from vigil.settings import *  # noqa: F403, E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
WHITENOISE_USE_FINDERS = True  # the browser tests' server serves static/ without a collectstatic

# Keys for this test run only, in the throwaway keys directory.
from vigil.vault.keyfile import write_master_key  # noqa: E402

write_master_key(VIGIL_MASTER_KEY_FILE)  # noqa: F405
from vigil.tlog.keys import ensure_signing_key  # noqa: E402

ensure_signing_key(VIGIL_LOG_SIGNING_KEY_FILE, origin=VIGIL_LOG_ORIGIN)  # noqa: F405
