"""Indicators of the monitor chapter gcp (see monitor/indicators/__init__.py)."""
