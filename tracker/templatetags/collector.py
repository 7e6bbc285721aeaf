"""Template helpers for the collector's pages: magnet links."""

from django import template

from tracker.torrent_links import torrent_magnet

register = template.Library()


@register.simple_tag
def magnet_link(torrent, dvd):
    """`{% magnet_link torrent dvd as magnet %}`: the torrent's magnet URI, or '' without a valid hash."""
    return torrent_magnet(torrent, dvd)
