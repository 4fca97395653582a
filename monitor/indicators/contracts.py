"""Indicators of the monitor chapter contracts (see monitor/indicators/__init__.py)."""
