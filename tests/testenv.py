"""Loaded by pytest before Django starts (`-p tests.testenv`): test-wide environment defaults."""

import os
import tempfile

# Tasks run synchronously, in the test's transaction.
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
# Periodic jobs run in the test's process, the export job too.
os.environ.setdefault("EXPORT_IN_BACKGROUND", "0")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="undersigned-test-"))
# Staff passwords hashed in microseconds, not seconds: every test class makes four accounts.
os.environ.setdefault("PASSWORD_HASHERS", "django.contrib.auth.hashers.MD5PasswordHasher")
