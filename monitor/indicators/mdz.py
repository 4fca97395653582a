"""Indicators of the monitor chapter mdz (see monitor/indicators/__init__.py)."""
