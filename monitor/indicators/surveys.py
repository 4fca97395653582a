"""Indicators of the monitor chapter surveys (see monitor/indicators/__init__.py)."""
