"""Administration: the audit log (and, later, users and moderation)."""
