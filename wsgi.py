"""Entry point for gunicorn: ``gunicorn wsgi:app``."""

from wellbeing import create_app

app = create_app()
