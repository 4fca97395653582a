# Fixtures of the dashboard, export and API tests (snapshot rows made by hand).
from tests.monitor.snapshots import monitor_world, test_indicators  # noqa: F401
