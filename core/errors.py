"""The one error type for business rules.

Services raise ``ApplicationError``; the DRF exception handler turns it into a JSON body
and the HTML views into a form error or a message. Users never see a traceback.
"""

from __future__ import annotations

import enum


class ErrorCode(enum.StrEnum):
    """Every ``code`` an API error body may carry: stable, so other systems can act on it.

    docs/api.md lists them with their meaning; tests/core/test_error_codes.py fails when the code
    raises one that is not here, or when the docs leave one out.
    """

    # Input and state
    INVALID = "invalid"  # a field is wrong: see ``errors``
    BAD_REQUEST = "bad_request"  # the request itself is malformed (NUL bytes, nesting, encoding)
    PARSE_ERROR = "parse_error"  # the body is not valid JSON
    UNKNOWN_CODE = "unknown_code"  # a department, indicator or other object named by an unknown code
    DUPLICATE = "duplicate"  # the object exists already
    IN_USE = "in_use"  # other objects still depend on it
    INVALID_STATE = "invalid_state"  # the object is not in a state that allows this
    CONFLICT = "conflict"  # 409: saved by someone else since it was read (stale version); 412 for If-Match
    # Reports and review
    NOT_STARTED = "not_started"  # the quarter has not started
    CLOSED = "closed"  # the period, survey or window is closed
    NOT_EDITABLE = "not_editable"  # submitted or approved: no longer editable by its owner
    INCOMPLETE = "incomplete"  # required values, grades or evidence missing
    NOT_SUBMITTED = "not_submitted"  # only a submitted report can be reviewed or withdrawn
    NOT_PENDING = "not_pending"  # the report is not waiting for a sign-off
    HAS_RETURNED = "has_returned"  # some entries are returned: return the report or approve them first
    PENDING_ENTRIES = "pending_entries"  # some entries still await review
    REVIEW_STARTED = "review_started"  # review has started: the report can no longer be withdrawn
    # Publication and appeals
    BLOCKED = "blocked"  # 409: the publication checklist has blockers (``blockers``) and no waiver
    NOT_PUBLISHED = "not_published"  # appeals open once the results are published
    WINDOW_CLOSED = "window_closed"  # the appeal window has closed
    DECIDED = "decided"  # the appeal is decided already
    # Budgets
    OVER_BUDGET = "over_budget"  # spending or tranches beyond the approved amount
    INCOMPLETE_SHEET = "incomplete_sheet"  # the target sheet lacks a required dimension or target
    ACTUALS_MISSING = "actuals_missing"  # evaluating needs every target's year-end value (``actual_<id>``)
    NO_BUDGET = "no_budget"  # the department has no approved project of the year
    EXANTE_REQUIRED = "exante_required"  # a large new project needs a supporting ex-ante assessment
    EXANTE_REJECTED = "exante_rejected"  # its ex-ante assessment concluded 不予支持
    INCOMPLETE_ASSESSMENT = "incomplete_assessment"  # an ex-ante assessment sheet is not complete
    ASSIGNMENT_CLOSED = "assignment_closed"  # 403: outside the evaluation firm's assignment period
    NOT_YOURS = "not_yours"  # the work belongs to the evaluation firm; finance reviews it
    # Surveys
    NOT_DRAFT = "not_draft"  # only a draft survey can be changed or opened
    NOT_ACCEPTING = "not_accepting"  # the survey is not open for answers
    QUOTA_FULL = "quota_full"  # the region's quota is reached
    NO_CODES = "no_codes"  # a survey answered through its public link has no access codes
    CODE_INVALID = "code_invalid"  # the access code does not belong to this survey
    CODE_USED = "code_used"  # the access code has answered already
    # Access
    NOT_AUTHENTICATED = "not_authenticated"  # 401: no credentials
    AUTHENTICATION_FAILED = "authentication_failed"  # 401: wrong credentials or a revoked token
    PERMISSION_DENIED = "permission_denied"  # 403: the role may not do this
    FORBIDDEN = "forbidden"  # 403: only the department concerned (or its head) may do this
    API_NOT_ALLOWED = "api_not_allowed"  # 403: the role has no use of the API (no token)
    CSRF_FAILED = "csrf_failed"  # 403: the page expired; reload it
    NOT_FOUND = "not_found"  # 404: no such object, or not one the caller may see
    METHOD_NOT_ALLOWED = "method_not_allowed"  # 405
    NOT_ACCEPTABLE = "not_acceptable"  # 406: no representation in the asked format
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415
    THROTTLED = "throttled"  # 429: too many requests; retry after the given time
    LOCKED_OUT = "locked_out"  # too many failed sign-ins: wait before trying again
    PASSWORD_CHANGE_REQUIRED = "password_change_required"  # noqa: S105 - the password must be changed first
    PASSWORD_TOO_SIMPLE = "password_too_simple"  # noqa: S105 - the password fails the policy
    PASSWORD_REUSED = "password_reused"  # noqa: S105 - the password was used recently
    OTP_REQUIRED = "otp_required"  # the role signs in with a one-time password
    OTP_INVALID = "otp_invalid"  # the one-time password is wrong
    OTP_ENROLMENT_REQUIRED = "otp_enrolment_required"  # enrol an authenticator first
    OTP_ENROLMENT_CODE_REQUIRED = "otp_enrolment_code_required"  # enrolment needs the administrator's code
    # Other
    SERVER_ERROR = "server_error"  # 500: logged; nothing was written
    ERROR = "error"  # any other refusal of the framework


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
