"""Addresses in and out of the directory: the web and email addresses a listing may carry, and the
absolute URLs of our own pages and API.

A listing's links reach residents' browsers and every ORUK consumer, so only plain ``http(s)``
addresses with a host are kept (never ``javascript:`` or ``data:``). Our own absolute URLs are made
from the configured ``WELLBEING_BASE_URL``, never from the request's ``Host`` header, which a client
chooses and which cached responses would otherwise pass on to everyone.
"""

import ipaddress
import re
from typing import Any
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_request_context, request, url_for

WEB_SCHEMES = ("http", "https")
# Dot-separated labels of letters (any script), digits and hyphens, as in a domain name.
HOST_NAME = re.compile(r"(?:[^\W_](?:[\w-]*[^\W_])?\.)*[^\W_](?:[\w-]*[^\W_])?\.?")


def _is_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return HOST_NAME.fullmatch(host) is not None


def web_address(text: str | None) -> str | None:
    """``text`` (trimmed) when it is an http or https address with a host, else None."""
    address = (text or "").strip()
    if not address or any(char.isspace() or not char.isprintable() for char in address):
        return None
    try:
        parts = urlsplit(address)
        parts.port  # noqa: B018 - raises ValueError when the port is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in WEB_SCHEMES or parts.username is not None:
        return None  # a user name before the host can disguise where a link goes
    return address if parts.hostname and _is_host(parts.hostname) else None


def email_address(text: str | None) -> str | None:
    """``text`` (trimmed) when it is a valid email address (its domain is not looked up)."""
    address = (text or "").strip()
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return None
    return address


def public_url(endpoint: str, **values: Any) -> str:
    """The absolute URL of one of our pages or API documents, at ``WELLBEING_BASE_URL``."""
    path = url_for(endpoint, **values)
    if has_request_context():
        path = path.removeprefix(request.script_root)  # the base URL already holds any prefix
    return current_app.config["WELLBEING_BASE_URL"].rstrip("/") + path
