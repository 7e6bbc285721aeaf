from django.urls import path

from tracker import views
from tracker.views import exporting, importing, stats

urlpatterns = [
    path("", views.dvd_list, name="dvd_list"),
    path("dvd/add/", views.dvd_add, name="dvd_add"),
    path("dvd/<int:pk>/", views.dvd_detail, name="dvd_detail"),
    path("dvd/<int:pk>/edit/", views.dvd_edit, name="dvd_edit"),
    path("dvd/<int:pk>/delete/", views.dvd_delete, name="dvd_delete"),
    path("dvd/<int:pk>/refresh-yts/", views.refresh_yts_data, name="refresh_yts_data"),
    path("dvd/<int:pk>/fetch-imdb/", views.fetch_imdb_id, name="fetch_imdb_id"),
    # Import, export and statistics (tracker/views/importing.py, exporting.py, stats.py).
    path("import/", importing.import_upload, name="import_upload"),
    path("import/<int:pk>/", importing.import_job, name="import_job"),
    path("import/<int:pk>/run/", importing.import_run, name="import_run"),
    path("import/<int:pk>/status/", importing.import_status, name="import_status"),
    path("export/", exporting.export_page, name="export"),
    path("export/collection.csv", exporting.export_csv, name="export_csv"),
    path("export/collection.json", exporting.export_json, name="export_json"),
    path("stats/", stats.stats_page, name="stats"),
]
