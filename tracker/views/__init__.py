from tracker.views.collection import dvd_add, dvd_delete, dvd_detail, dvd_edit, dvd_list
from tracker.views.yts import refresh_yts_data

__all__ = ["dvd_add", "dvd_delete", "dvd_detail", "dvd_edit", "dvd_list", "refresh_yts_data"]
