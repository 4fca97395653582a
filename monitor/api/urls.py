"""/api/v1/monitor/…"""
urlpatterns: list = []
