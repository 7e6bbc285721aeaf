import pytest

from tracker.collection_io.reading import read_upload
from tracker.collection_io.rows import ImportFileError
from tracker.tests.collector.conftest import read

pytestmark = pytest.mark.django_db


def rows_by_line(parsed):
    return {row.line: row for row in parsed.rows}


def test_clz_movies_export_is_recognised_with_its_column_names():
    """A CLZ Movies CSV export is read as it is: its headings map to the DVD's fields."""
    parsed = read_upload("clz.csv", read("clz_movies.csv"))
    assert parsed.source == "CLZ Movies CSV"
    mapped = dict(parsed.columns)
    assert mapped["Title"] == "name"
    assert mapped["Sort Title"] == ""
    assert mapped["Release Year"] == "release_year"
    assert mapped["IMDb Url"] == "imdb_id"
    assert mapped["Seen It"] == "is_watched"
    assert mapped["Index"] == ""
    rows = rows_by_line(parsed)
    shawshank = rows[2].values
    assert shawshank["name"] == "Shawshank Redemption, The"
    assert shawshank["release_year"] == 1994
    assert shawshank["disk_type"] == "dvd"
    assert shawshank["barcode"] == "7321900011236"
    assert shawshank["storage_box"] == "Shelf A"
    assert shawshank["notes"] == "Special edition, with booklet"
    assert shawshank["is_unwatched"] is False
    assert shawshank["genres"] == "Drama, Crime"
    assert shawshank["runtime"] == 142
    assert rows[2].identified is False


def test_clz_values_in_spreadsheet_shapes_are_understood():
    """IMDb addresses, '148 min', a barcode saved as a float and 4K Ultra HD are all read."""
    rows = rows_by_line(read_upload("clz.csv", read("clz_movies.csv")))
    inception = rows[3]
    assert inception.values["imdb_id"] == "tt1375666"
    assert inception.identified is True
    assert inception.values["barcode"] == "883929106826"
    assert inception.values["runtime"] == 148
    assert inception.values["disk_type"] == "bluray"
    assert inception.values["is_unwatched"] is True
    assert rows[4].values["disk_type"] == "4k_uhd"
    assert rows[4].values["box_set_name"] == "Alien Anthology"


def test_bad_rows_are_reported_row_by_row():
    """A bad year, an unknown format, a wish-list entry and a short barcode each mark only their own row."""
    rows = rows_by_line(read_upload("clz.csv", read("clz_movies.csv")))
    assert rows[5].problems == ["Year “19x5” is not a four-digit year."]
    assert rows[6].problems[0].startswith("Unknown format “VHS”")
    assert rows[7].skip.startswith("Not in your collection")
    assert rows[8].values["status"] == "disposed"
    assert rows[8].warnings == ["Barcode “12345” left out: a barcode is 8 to 14 digits."]
    assert "barcode" not in rows[8].values
    assert not rows[2].problems
    assert not rows[3].problems


def test_letterboxd_exports_are_recognised():
    """Letterboxd's watched and diary CSVs: Name is the title, Year the year, Date when it was added."""
    watched = read_upload("watched.csv", read("letterboxd_watched.csv"))
    assert watched.source == "Letterboxd CSV"
    first = watched.rows[0].values
    assert first["name"] == "The Dark Knight"
    assert first["release_year"] == 2008
    assert first["created_at"] == "2023-01-14T12:00:00+00:00"
    diary = read_upload("diary.csv", read("letterboxd_diary.csv"))
    assert [row.values["name"] for row in diary.rows] == ["Spirited Away", "Alien"]
    assert dict(diary.columns)["Rating"] == ""


def test_this_apps_export_is_recognised_and_formula_quotes_are_taken_off():
    """Our own CSV export reads back, including a title our export had protected from spreadsheets."""
    parsed = read_upload("export.csv", read("dvdtracker_export.csv"))
    assert parsed.source == "DVD Collection Tracker CSV"
    first, second = parsed.rows
    assert first.values["tmdb_id"] == 278
    assert first.values["notes"] == 'Bought in 2003; "mint"'
    assert first.values["created_at"] == "2024-02-01T10:00:00+00:00"
    assert second.values["name"] == "=HYPERLINK(1)"
    assert second.values["media_type"] == "download"
    assert second.values["status"] == "disposed"
    assert second.values["is_unwatched"] is True
    assert second.values["is_unopened"] is True


def test_plain_text_is_one_title_a_line():
    """A text file: one title a line, 'Title (1999)' gives the year, blank lines and # comments are skipped."""
    parsed = read_upload("titles.txt", read("titles.txt"))
    assert parsed.kind == "text"
    assert [(row.line, row.values) for row in parsed.rows] == [
        (2, {"name": "The Godfather", "release_year": 1972}),
        (4, {"name": "Pulp Fiction"}),
        (5, {"name": "A Film Nobody Has Made", "release_year": 2019}),
    ]


@pytest.mark.parametrize("delimiter", [";", "\t", "|"])
def test_other_delimiters_are_sniffed(delimiter):
    """Semicolon (European Excel), tab and pipe separated files are read like comma-separated ones."""
    text = delimiter.join(["Title", "Year", "Format"]) + "\n" + delimiter.join(["Heat, the film", "1995", "DVD"])
    parsed = read_upload("list.csv", text.encode())
    assert parsed.rows[0].values == {"name": "Heat, the film", "release_year": 1995, "disk_type": "dvd"}


def test_a_titles_with_commas_text_file_is_not_taken_for_a_csv():
    """A .txt list whose titles contain commas stays a list of titles."""
    parsed = read_upload("list.txt", b"Crouching Tiger, Hidden Dragon\nMe, Myself & Irene\n")
    assert [row.values["name"] for row in parsed.rows] == ["Crouching Tiger, Hidden Dragon", "Me, Myself & Irene"]


def test_a_byte_order_mark_is_ignored():
    """Excel's 'CSV UTF-8' starts with a byte-order mark; the first heading is still recognised."""
    parsed = read_upload("excel.csv", "\ufeffTitle,Year\nAlien,1979\n".encode())
    assert parsed.rows[0].values == {"name": "Alien", "release_year": 1979}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("Title\nAmélie\n".encode("latin-1"), r"not UTF-8 text \(byte 0xe9 at position 8"),
        ("Title\nAlien\n".encode("utf-16"), "UTF-16"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not a text file"),
        (b"  \n\n", "empty"),
        (b"Title,Year\n", "no rows"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, message):
    """Files that are not UTF-8 text, or hold nothing, are refused with a message saying why."""
    with pytest.raises(ImportFileError, match=message):
        read_upload("file.csv", data)


def test_a_csv_without_a_title_column_is_refused():
    """A .csv whose headings name no title column says which names are recognised."""
    with pytest.raises(ImportFileError, match="No title column"):
        read_upload("file.csv", b"Film name here,When\nAlien,1979\n")


def test_size_and_row_limits(settings):
    """More bytes than IMPORT_MAX_UPLOAD_BYTES or more rows than IMPORT_MAX_ROWS is refused, not cut."""
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read_upload("list.txt", b"A\nB\nC\nD\n")
    assert len(read_upload("list.txt", b"A\nB\nC\n").rows) == 3
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ImportFileError, match="the most this import takes"):
        read_upload("list.txt", b"A long title\n")
