"""The rules for people and roles, one module per concept: `accounts` (addresses, finding and
searching people), `sessions` (signed-in browsers), `passwords` (the rule, hashing, signing in,
changing one), `links` (the emailed sign-up and reset links) and `roles` (role grants, the
last admin). Callers import this package (`from cpweek.auth import services`); the modules
import each other directly."""

from cpweek.auth.services.accounts import (
    InvalidEmail,
    find_user_by_email,
    get_user,
    normalise_email,
    search_people,
)
from cpweek.auth.services.links import (
    RESET_SALT,
    SIGN_UP_SALT,
    ResetLinkExpired,
    ResetLinkInvalid,
    SignUpLinkInvalid,
    finish_sign_up,
    make_reset_token,
    request_password_reset,
    reset_password,
    sign_up,
    sign_up_details,
    user_for_reset_token,
)
from cpweek.auth.services.passwords import (
    MAX_PASSWORD_LENGTH,
    WeakPassword,
    WrongPassword,
    authenticate,
    change_password,
    hash_password,
    password_problems,
)
from cpweek.auth.services.roles import LastAdmin, create_admin, set_roles
from cpweek.auth.services.sessions import (
    LAST_SEEN_EVERY,
    end_session,
    end_sessions,
    load_session_user,
    session_lifetime,
    start_session,
)

__all__ = [
    "LAST_SEEN_EVERY",
    "MAX_PASSWORD_LENGTH",
    "RESET_SALT",
    "SIGN_UP_SALT",
    "InvalidEmail",
    "LastAdmin",
    "ResetLinkExpired",
    "ResetLinkInvalid",
    "SignUpLinkInvalid",
    "WeakPassword",
    "WrongPassword",
    "authenticate",
    "change_password",
    "create_admin",
    "end_session",
    "end_sessions",
    "find_user_by_email",
    "finish_sign_up",
    "get_user",
    "hash_password",
    "load_session_user",
    "make_reset_token",
    "normalise_email",
    "password_problems",
    "request_password_reset",
    "reset_password",
    "search_people",
    "session_lifetime",
    "set_roles",
    "sign_up",
    "sign_up_details",
    "start_session",
    "user_for_reset_token",
]
