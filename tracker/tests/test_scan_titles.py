"""The shop-title cleaner and the barcode rules: pure functions, tested from tables."""

import pytest

from tracker import shop_titles
from tracker.barcodes import barcode_problem, digits_of, equivalent_codes, printed_form
from tracker.models import DiskType
from tracker.shop_titles import ShopTitle, clean_shop_title

UHD, BLURAY, DVD = DiskType.UHD, DiskType.BLURAY, DiskType.DVD

# (shop title, title, year, format, edition, region): shapes seen on shop and barcode-database listings.
SHAPES = [
    ("Alien [Blu-ray] [1979] [Region Free] (Director's Cut)", "Alien", 1979, BLURAY, "Director's Cut", "Region Free"),
    ("NIGHTLIFE [BLU-RAY] By Walter Matthau", "Nightlife", None, BLURAY, "", ""),
    ("(500) Days of Summer [DVD]", "(500) Days of Summer", None, DVD, "", ""),
    ("Stand by Me [DVD]", "Stand by Me", None, DVD, "", ""),
    ("Dances with Wolves [DVD]", "Dances with Wolves", None, DVD, "", ""),
    ("Blade Runner 2049 (4K Ultra HD + Blu-ray + Digital) [4K UHD]", "Blade Runner 2049", None, UHD, "", ""),
    ("The Shawshank Redemption (Blu-ray Disc, 2007, Widescreen)", "The Shawshank Redemption", 2007, BLURAY,
     "Widescreen", ""),
    ("Toy Story 3 (DVD, 2010)", "Toy Story 3", 2010, DVD, "", ""),
    ("Gladiator (DVD, 2000, 2-Disc Set, Signature Selection)", "Gladiator", 2000, DVD, "", ""),
    ("Frozen (Blu-ray/DVD, 2014, 2-Disc Set, Includes Digital Copy)", "Frozen", 2014, BLURAY, "", ""),
    ("Pulp Fiction - Collector's Edition [DVD] [1994]", "Pulp Fiction", 1994, DVD, "Collector's Edition", ""),
    ("The Lord of the Rings: The Fellowship of the Ring - Extended Edition (4-Disc) [DVD]",
     "The Lord of the Rings: The Fellowship of the Ring", None, DVD, "Extended Edition", ""),
    ("Harry Potter and the Philosopher's Stone [DVD] [2001]", "Harry Potter and the Philosopher's Stone", 2001, DVD,
     "", ""),
    ("The Dark Knight (Two-Disc Special Edition) [Blu-ray]", "The Dark Knight", None, BLURAY,
     "Two-Disc Special Edition", ""),
    ("Inception Blu-ray", "Inception", None, BLURAY, "", ""),
    ("Heat: Director's Cut", "Heat", None, "", "Director's Cut", ""),
    ("Heat - Special Edition - DVD", "Heat", None, DVD, "Special Edition", ""),
    ("[DVD] Heat", "Heat", None, DVD, "", ""),
    ("Amélie [DVD] [2001]", "Amélie", 2001, DVD, "", ""),
    ("2001: A Space Odyssey [Blu-ray] [1968] [Region Free]", "2001: A Space Odyssey", 1968, BLURAY, "", "Region Free"),
    ("Spirited Away (Region 2) [DVD] (UK Import)", "Spirited Away", None, DVD, "", "Region 2"),
    ("Mad Max: Fury Road (4K Ultra HD Blu-ray) [Region A/B/C]", "Mad Max: Fury Road", None, UHD, "", "Region A/B/C"),
    ("Jurassic Park (Blu-ray + DVD + Digital HD)", "Jurassic Park", None, BLURAY, "", ""),
    ("Star Wars: Episode IV - A New Hope (Special Edition) [VHS]", "Star Wars: Episode IV - A New Hope", None, "",
     "Special Edition", ""),
    ("the matrix dvd", "The Matrix", None, DVD, "", ""),
    ("ALIEN: COVENANT BLU RAY + DIGITAL", "Alien: Covenant", None, BLURAY, "", ""),
    ("Rocky II [DVD] [1979] Sylvester Stallone", "Rocky II", 1979, DVD, "", ""),
    ("The Thing (1982) [Steelbook] [Blu-ray] [Region B]", "The Thing", 1982, BLURAY, "Steelbook", "Region B"),
    ("Aliens &amp; Predators [DVD]", "Aliens & Predators", None, DVD, "", ""),
    ("Heat (1995) - Al Pacino, Robert De Niro", "Heat", 1995, "", "", ""),
    ("Die Hard [Blu-ray] [1988] [US Import]", "Die Hard", 1988, BLURAY, "", ""),
    ("Star Trek II: The Wrath of Khan (Director's Edition) (DVD)", "Star Trek II: The Wrath of Khan", None, DVD,
     "Director's Edition", ""),
    ("Spider-Man 2 (Widescreen Special Edition)", "Spider-Man 2", None, "", "Widescreen Special Edition", ""),
    ("Oldboy (Region 3 DVD, Korean)", "Oldboy", None, DVD, "", "Region 3"),
    ("Paddington [DVD] [2014] by Hugh Bonneville", "Paddington", 2014, DVD, "", ""),
    ("Ghostbusters 4K Ultra HD + Blu-ray", "Ghostbusters", None, UHD, "", ""),
    ("Batman Begins [HD DVD]", "Batman Begins", None, "", "", ""),
    ("The Matrix (1999) Starring Keanu Reeves", "The Matrix", 1999, "", "", ""),
    ("Casablanca 70th Anniversary Edition [Blu-ray]", "Casablanca", None, BLURAY, "70th Anniversary Edition", ""),
    ("E.T. THE EXTRA-TERRESTRIAL [DVD]", "E.T. the Extra-Terrestrial", None, DVD, "", ""),
    ("Step Up 3D [Blu-ray 3D]", "Step Up 3D", None, BLURAY, "3D", ""),
    ("Avatar (Blu-ray 3D)", "Avatar", None, BLURAY, "3D", ""),
    ("O BROTHER, WHERE ART THOU? [DVD]", "O Brother, Where Art Thou?", None, DVD, "", ""),
    ("X-MEN: DAYS OF FUTURE PAST [BLU-RAY]", "X-Men: Days of Future Past", None, BLURAY, "", ""),
    ("THE GODFATHER PART II (DVD)", "The Godfather Part II", None, DVD, "", ""),
    ("Heat DVD Region 2", "Heat", None, DVD, "", "Region 2"),
    ("Oldboy [Blu-ray] [2003] [Region B] [Korean with English Subtitles]", "Oldboy", 2003, BLURAY, "", "Region B"),
    ("Mad Max: Fury Road (Black and White Edition) [Blu-ray]", "Mad Max: Fury Road", None, BLURAY,
     "Black and White Edition", ""),
    ("Le Fabuleux Destin d’Amélie Poulain [DVD] [2001] [Import]", "Le Fabuleux Destin d'Amélie Poulain", 2001, DVD,
     "", ""),
    ("Se7en  [DVD]\u00a0[1995]", "Se7en", 1995, DVD, "", ""),
    ("[DVD]", "", None, DVD, "", ""),
    ("", "", None, "", "", ""),
]  # fmt: skip


@pytest.mark.parametrize(("raw", "title", "year", "disk_type", "edition", "region"), SHAPES)
def test_shop_titles_are_cleaned(raw, title, year, disk_type, edition, region):
    """Each shop listing gives the film's title, year, format, edition and region, and nothing else."""
    assert clean_shop_title(raw) == ShopTitle(title, year, disk_type, edition, region)


def test_the_table_covers_at_least_thirty_shapes():
    """The cleaner is held to at least 30 real-world listing shapes."""
    assert len({raw for raw, *_ in SHAPES}) >= 30


def test_formats_are_the_collections_disk_types():
    """The formats the cleaner names are values the DVD model accepts."""
    assert set(shop_titles.FORMAT_RANK) == set(DiskType.values)


def test_a_year_outside_film_history_is_not_a_year():
    """A bracketed number that cannot be a film's year is not taken as one."""
    assert clean_shop_title("Heat [1066] [DVD]").year is None


# --- barcodes ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code",
    ["5039036057349", "025192232244", "96385074", "4006381333931", "012345678905"],
)
def test_valid_ean_13_upc_a_and_ean_8_pass(code):
    """EAN-13, UPC-A and EAN-8 codes whose check digit matches are accepted."""
    assert barcode_problem(code) == ""


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("5039036057345", "check digit does not match"),
        ("025192232245", "check digit does not match"),
        ("96385075", "check digit does not match"),
        ("12345", "8, 12 or 13 digits; this one has 5"),
        ("50390360573491", "this one has 14"),
        ("50390360573a9", "only digits"),
        ("５０３９０３６０５７３４９", "only digits"),
        ("", "Enter the barcode"),
    ],
)
def test_bad_codes_are_refused_with_a_reason(code, message):
    """A misread, mistyped or wrong-length code is refused before any lookup, saying why."""
    assert message in barcode_problem(code)


def test_typed_separators_are_dropped():
    """The spaces and dashes printed under the bars are not part of the code."""
    assert digits_of(" 5 039036-057349 ") == "5039036057349"


def test_upc_a_and_its_ean_13_spelling_are_the_same_code():
    """A UPC-A, its EAN-13 with a leading zero and its GTIN-14 all name one product."""
    assert equivalent_codes("025192232244") == ["00025192232244", "0025192232244", "025192232244"]
    assert equivalent_codes("0025192232244") == equivalent_codes("025192232244")
    assert "96385074" in equivalent_codes("96385074")
    assert equivalent_codes("5039036057349") == ["05039036057349", "5039036057349"]


def test_a_upc_a_read_as_ean_13_is_given_as_printed():
    """The leading zero a decoder adds to a UPC-A is dropped; other codes are left alone."""
    assert printed_form("0025192232244") == "025192232244"
    assert printed_form("5039036057349") == "5039036057349"
    assert printed_form("96385074") == "96385074"
