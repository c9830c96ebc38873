"""Administration: people's accounts (users.py), the audit log (audit_log.py) and its alert on
many reads (alerts.py). One blueprint, ``admin``, made in blueprint.py and served by views.py."""
