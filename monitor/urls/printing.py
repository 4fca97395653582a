"""/monitor/<year>/monitor.pdf: the printable yearly monitor."""
from django.urls import path

from ..views.printing import monitor_pdf_view

urlpatterns = [
    path("<int:year>/monitor.pdf", monitor_pdf_view, name="print_pdf"),
]
