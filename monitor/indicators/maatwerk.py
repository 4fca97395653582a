"""Indicators of the monitor chapter maatwerk (see monitor/indicators/__init__.py)."""
