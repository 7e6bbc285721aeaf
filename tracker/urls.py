from django.urls import path

from tracker import views
from tracker.views import copies, exporting, importing, lending, scan, sharing, stats

# The one page for visitors who are not signed in: a collection or wish list shared by its link.
PUBLIC_URL_NAMES = {"shared_page"}

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
    # Copies, the wish list, loans and share links (tracker/views/copies.py, lending.py, sharing.py).
    path("duplicates/", copies.duplicates_page, name="duplicates"),
    path("wishlist/", lending.wishlist_page, name="wishlist"),
    path("wishlist/<int:pk>/bought/", lending.wishlist_bought, name="wishlist_bought"),
    path("dvd/<int:pk>/lend/", lending.dvd_lend, name="dvd_lend"),
    path("loans/", lending.loans_page, name="loans"),
    path("loans/<int:pk>/returned/", lending.loan_returned, name="loan_returned"),
    path("sharing/", sharing.sharing_page, name="sharing"),
    path("shared/<str:token>/", sharing.shared_page, name="shared_page"),
    # The shop's barcode scanner (tracker/views/scan.py), and what installs it on a phone's home screen.
    path("scan/", scan.scan_page, name="scan"),
    path("scan/discs/", scan.scan_discs, name="scan_discs"),
    path("scan/identify/", scan.scan_identify, name="scan_identify"),
    path("manifest.webmanifest", scan.web_manifest, name="web_manifest"),
    path("sw.js", scan.service_worker, name="service_worker"),
]
