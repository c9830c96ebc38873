"""Commissioners' reports: figures about the service, never a person's details.

``figures.build_report`` works every figure out for a set of ``filters``, suppressing small
numbers (``suppression``); ``tables`` lays them out for the pages (``views``) and CSV files
(``csv_export``), ``charts`` draws them, ``summary`` shapes them for the API (``api``).
"""

from wellbeing.accounts.models import Role

# Who may see reports: pages and API alike.
VIEWERS = (Role.COMMISSIONER, Role.ADMIN)
