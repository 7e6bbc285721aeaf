from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.dvd_list, name="dvd_list"),
    path("dvd/add/", views.dvd_add, name="dvd_add"),
    path("dvd/<int:pk>/", views.dvd_detail, name="dvd_detail"),
    path("dvd/<int:pk>/edit/", views.dvd_edit, name="dvd_edit"),
    path("dvd/<int:pk>/delete/", views.dvd_delete, name="dvd_delete"),
    path("dvd/<int:pk>/refresh-yts/", views.refresh_yts_data, name="refresh_yts_data"),
    path("dvd/<int:pk>/fetch-imdb/", views.fetch_imdb_id, name="fetch_imdb_id"),
]
