"""Directory data in and out: Open Referral UK 3.0 JSON and our CSV layout.

Import: ``importer.import_path`` (``flask directory import PATH``); export: ``export``.
"""
