"""Numbers from a query string, read one way for every page and API (page numbers above all)."""

from collections.abc import Mapping

MAX_PAGE = 1_000_000


class ArgError(ValueError):
    """A query parameter that cannot be used; the message names it, for the person or client."""

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(message)
        self.parameter = parameter
        self.message = message


def whole_number(args: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    """An optional whole number between ``low`` and ``high``; absent or empty gives None."""
    raw = (args.get(name) or "").strip()
    if not raw:
        return None
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise ArgError(name, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def page_number(args: Mapping[str, str], maximum: int = MAX_PAGE) -> int:
    """``page``, 1 when absent; ``ArgError`` when it is not a page number (for APIs)."""
    return whole_number(args, "page", 1, maximum) or 1


def page_number_or_first(args: Mapping[str, str], maximum: int = MAX_PAGE) -> int:
    """``page`` for HTML lists: a link typed wrong shows the first page rather than an error."""
    try:
        return page_number(args, maximum)
    except ArgError:
        return 1
