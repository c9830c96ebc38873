"""Directory search: the index, query building and ``find_services``."""
