"""The ``flask directory``, ``flask search`` and ``flask geo`` command groups.

Each command lives beside the code it drives and attaches itself to one of these groups;
``init_app`` imports those modules (here, not at the top, so they can import the groups).
"""

from flask import Flask
from flask.cli import AppGroup

directory_cli = AppGroup("directory", help="Import and export the directory (Open Referral UK).")
search_cli = AppGroup("search", help="Build and check the search index.")
geo_cli = AppGroup("geo", help="Postcode data for distance search.")


def init_app(app: Flask) -> None:
    from wellbeing.directory import (
        geo,  # noqa: F401 - registers geo commands
        search_commands,  # noqa: F401 - registers search commands
    )
    from wellbeing.directory.io import (
        commands,  # noqa: F401 - registers directory import
        export,  # noqa: F401 - registers directory export
    )

    for group in (directory_cli, search_cli, geo_cli):
        app.cli.add_command(group)
