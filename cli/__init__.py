"""The ``python -m metrics`` command line: ``main.py`` holds the registry, one module per area adds
its exports and subcommands (``channels``, ``customers``, ``budget``, ``advise``, ``report``).
"""
