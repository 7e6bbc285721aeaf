"""The app's URLs plus `bench/trivial/`, the baseline every throughput figure is a ratio of."""

from django.urls import include, path

from bench.views import trivial

urlpatterns = [
    path("bench/trivial/", trivial, name="bench_trivial"),
    path("", include("dvdtracker.urls")),
]
