"""Settings for the test suite: the same env-driven settings, with TESTING switched on.

TESTING allows the built-in development secret and plain static storage (no manifest to build).
"""

import os

os.environ.setdefault("TESTING", "1")

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast hashing in tests only
PRIVATE_MEDIA_ROOT = BASE_DIR / "var" / "test-evidence"  # noqa: F405
# Tasks run as they are enqueued; tests of the worker switch to the database backend (a worker they start in
# another process gets it through TASKS_BACKEND).
TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
        "QUEUES": ["default"],
    }
}
