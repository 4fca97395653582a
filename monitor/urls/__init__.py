"""/monitor/: the NZa monitor's dashboards."""
app_name = "monitor"

urlpatterns: list = []
