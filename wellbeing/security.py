"""Security headers, a per-request CSP nonce and a session cookie that is Secure over HTTPS.

Responses that may hold personal data (anything a signed-in person or an API token holder sees,
and every referral page, form and API) are marked ``Cache-Control: no-store`` so that no browser,
proxy or shared computer keeps a copy.
"""

import secrets
from urllib.parse import urlsplit

from flask import Flask, Response, g, request, session
from flask.sessions import SecureCookieSessionInterface

from wellbeing import inputs


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """Marks the session cookie Secure whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def local_path(target: str | None, prefix: str = "/") -> str | None:
    """``target`` when it is a path on this site under ``prefix``, never another host; else None."""
    if not target or not target.startswith(prefix) or target.startswith(("//", "/\\")):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def csp_nonce() -> str:
    """The nonce allowing the NHS.UK template's one inline script for this request."""
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self' 'nonce-{nonce}'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'self'",
            "object-src 'none'",
        ]
    )


# Paths whose pages and answers are about people, whoever asks.
PRIVATE_PREFIXES = ("/refer", "/referrals", "/api/referrals", "/account", "/admin", "/api/me")


def holds_personal_data() -> bool:
    """Whether this response may be about a person: signed in, a token, or a private path."""
    return (
        "_user_id" in session
        or "Authorization" in request.headers
        or request.path.startswith(PRIVATE_PREFIXES)
    )


def set_security_headers(response: Response) -> Response:
    headers = response.headers
    # Public documents (the ORUK API, static files) say so themselves and keep their caching.
    if holds_personal_data() and not response.cache_control.public:
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    headers.setdefault("Content-Security-Policy", content_security_policy(csp_nonce()))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_app(app: Flask) -> None:
    inputs.init_app(app)
    app.session_interface = HttpsAwareSessionInterface()
    app.after_request(set_security_headers)
    app.jinja_env.globals["csp_nonce"] = csp_nonce
