"""Jinja helpers shared by every page: WTForms choices as NHS.UK items, anchors, navigation."""

from typing import Any

from flask import Flask, current_app, request, url_for
from flask_login import current_user
from wtforms import Field
from wtforms.form import BaseForm


def choice_items(
    field: Field,
    conditional: dict[str, str] | None = None,
    multiple: bool = False,
    selected_key: str = "checked",
) -> list[dict[str, Any]]:
    """A WTForms field's choices in the shape the NHS.UK radios/checkboxes/select macros take."""
    chosen = set(field.data or []) if multiple else {field.data}
    chosen = {str(value) for value in chosen if value is not None}
    items = []
    for value, label in field.choices or []:
        item = {"value": value, "text": label, selected_key: str(value) in chosen}
        if conditional and value in conditional:
            item["conditional"] = {"html": conditional[value]}
        items.append(item)
    return items


def boolean_items(*fields: Field) -> list[dict[str, Any]]:
    """Several yes/no fields shown as one NHS.UK checkbox group, each keeping its own name."""
    return [
        {"value": "y", "text": f.label.text, "name": f.name, "id": f.id, "checked": bool(f.data)}
        for f in fields
    ]


def field_anchor(field: Field) -> str:
    """The id of the element an error-summary link should focus for this field."""
    return field.id


def form_error_anchor(form: BaseForm) -> str:
    """Where a form-level error links to: the form's first visible field."""
    for field in form:
        if field.type not in ("CSRFTokenField", "HiddenField"):
            return field_anchor(field)
    return "maincontent"


# (link text, endpoint, role names that see it, or None for everyone); create_app sets the list.
NavItem = tuple[str, str, frozenset[str] | None]


def navigation_items() -> list[dict[str, Any]]:
    """Header navigation for the signed-in user's role."""
    role = current_user.role if current_user.is_authenticated else None
    items = []
    for text, endpoint, roles in current_app.extensions["navigation"]:
        if roles is None or role in roles:
            href = url_for(endpoint)
            items.append({"text": text, "href": href, "current": request.path == href})
    return items


def init_app(app: Flask, navigation: list[NavItem]) -> None:
    app.extensions["navigation"] = navigation
    app.jinja_env.globals.update(
        boolean_items=boolean_items,
        choice_items=choice_items,
        field_anchor=field_anchor,
        form_error_anchor=form_error_anchor,
        navigation_items=navigation_items,
    )
