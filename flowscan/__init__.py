"""flowscan: static analysis of where an application's data goes."""

__version__ = "0.1.0"
