"""Reactions of accounts to Django's authentication signals."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.middleware import start_session_clock


@receiver(user_logged_in, dispatch_uid="accounts.start_session_clock")
def _start_session_clock(sender, request, user, **kwargs):
    # Login already gave the session a new id (no fixation); start its clocks.
    if request is not None and hasattr(request, "session"):
        start_session_clock(request.session)
