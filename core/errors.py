"""The one error type for business rules.

Services raise ``ApplicationError``; the DRF exception handler turns it into a JSON body
and the HTML views into a form error or a message. Users never see a traceback.
"""

from __future__ import annotations


class ApplicationError(Exception):
    """A business rule refused the request. ``errors`` maps field names to messages."""

    status_code = 400

    def __init__(self, message, *, field: str | None = None, errors: dict | None = None, code: str = "invalid"):
        super().__init__(str(message))
        self.message = message
        self.code = code
        self.errors: dict[str, list] = {k: v if isinstance(v, list) else [v] for k, v in (errors or {}).items()}
        if field:
            self.errors.setdefault(field, []).append(message)


class ConflictError(ApplicationError):
    """Someone else saved the object since the caller read it (optimistic locking)."""

    status_code = 409

    def __init__(self, message, **kwargs):
        kwargs.setdefault("code", "conflict")
        super().__init__(message, **kwargs)


class PreconditionFailed(ConflictError):
    """An If-Match header named a version that is no longer current."""

    status_code = 412
