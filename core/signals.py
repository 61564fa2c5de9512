"""Signals the ground floor sends; the apps above connect to them (core imports none of them)."""

from django.dispatch import Signal

# A request was refused (403, a failed authentication, a CSRF failure, a signed-in user's 404).
# Sent with ``request`` and ``reason``;
# the audit app records it.
access_denied = Signal()
