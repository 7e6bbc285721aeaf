from tracker.views.collection import dvd_add, dvd_delete, dvd_detail, dvd_edit, dvd_list
from tracker.views.refresh import refresh_yts_data
from tracker.views.tmdb import fetch_imdb_id

__all__ = ["dvd_add", "dvd_delete", "dvd_detail", "dvd_edit", "dvd_list", "fetch_imdb_id", "refresh_yts_data"]
