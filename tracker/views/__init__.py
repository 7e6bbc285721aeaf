from tracker.views.collection import dvd_add, dvd_delete, dvd_detail, dvd_edit, dvd_list
from tracker.views.tmdb import fetch_imdb_id
from tracker.views.yts import refresh_yts_data

__all__ = ["dvd_add", "dvd_delete", "dvd_detail", "dvd_edit", "dvd_list", "fetch_imdb_id", "refresh_yts_data"]
