"""DVD Profiler's XML export (Collection.xml): one <DVD> a row, read with the CSV's cell parsers so that
a bad value gets the same message. Parsed with defusedxml: an uploaded XML file may carry entity
expansions or external entities, which are refused rather than followed."""

from xml.etree.ElementTree import ParseError  # noqa: S405  (only the exception; parsing is defusedxml's)

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from tracker.collection_io.cells import (
    parse_barcode,
    parse_currency,
    parse_list,
    parse_multiline,
    parse_price,
    parse_purchase_date,
    parse_runtime,
    parse_text,
    parse_year,
)
from tracker.collection_io.rows import ImportFileError, ParsedFile, ParsedRow
from tracker.models import DVD

SOURCE = "DVD Profiler XML"
# Its media flags, best first: a 4K disc with a Blu-ray in the box is kept as 4K UHD.
MEDIA_TYPES = (("UltraHD", DVD.DiskType.UHD), ("BluRay", DVD.DiskType.BLURAY), ("DVD", DVD.DiskType.DVD))
STATUSES = {"owned": DVD.Status.KEPT, "wish list": DVD.Status.WISHLIST, "wishlist": DVD.Status.WISHLIST}
# The elements read, for the preview's "Columns read" (each with the field it fills).
COLUMNS = [
    ["Title", "name"], ["ProductionYear", "release_year"], ["MediaTypes", "disk_type"], ["Edition", "edition"],
    ["Regions", "region"], ["UPC", "barcode"], ["RunningTime", "runtime"], ["Genres", "genres"],
    ["Credits", "director"], ["Overview", "overview"], ["Notes", "notes"], ["Discs", "disc_count"],
    ["CollectionType", "status"], ["PurchaseInfo", "purchase_price"], ["LoanInfo", "lent_to"],
]  # fmt: skip


def looks_like_profiler(filename, data):
    return filename.lower().endswith(".xml") or data.lstrip()[:5] == b"<?xml" or b"<Collection" in data[:1000]


def read_profiler(data):
    """The rows of a DVD Profiler export; raises ImportFileError for a file that is not one."""
    try:
        # From the bytes: the file's declaration names its encoding (DVD Profiler writes windows-1252).
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        raise ImportFileError("This XML declares entities or a DTD, which the import does not read.") from None
    except ParseError as exc:
        raise ImportFileError(f"The XML cannot be read ({exc}).") from None
    if root.tag != "Collection":
        raise ImportFileError("This XML is not a DVD Profiler collection export (its root is not <Collection>).")
    rows = [_row(number, dvd) for number, dvd in enumerate(root.findall("DVD"), start=1)]
    return ParsedFile("xml", SOURCE, COLUMNS, rows)


def _text(element, path):
    found = element.find(path)
    return (found.text or "").strip() if found is not None else ""


def _row(number, dvd):
    row = ParsedRow(number)
    cells = {
        "name": parse_text(_text(dvd, "Title")),
        "release_year": parse_year(_text(dvd, "ProductionYear")),
        "barcode": parse_barcode(_text(dvd, "UPC")),
        "edition": parse_text(_text(dvd, "Edition")),
        "region": parse_text(", ".join(r.text.strip() for r in dvd.findall("Regions/Region") if r.text)),
        "runtime": parse_runtime(_text(dvd, "RunningTime")),
        "genres": parse_list("; ".join(g.text.strip() for g in dvd.findall("Genres/Genre") if g.text)),
        "director": parse_list("; ".join(_directors(dvd))),
        "overview": parse_multiline(_text(dvd, "Overview")),
        "notes": parse_multiline(_text(dvd, "Notes")),
        "purchase_price": parse_price(_text(dvd, "PurchaseInfo/Price")),
        "purchase_currency": parse_currency(dvd.find("PurchaseInfo/Price").get("DenominationType", ""))
        if dvd.find("PurchaseInfo/Price") is not None
        else parse_text(""),
        "purchase_store": parse_text(_text(dvd, "PurchaseInfo/Place")),
        "purchase_date": parse_purchase_date(_text(dvd, "PurchaseInfo/Date")[:10]),
    }
    for name, cell in cells.items():
        row.problems += [cell.problem] if cell.problem else []
        row.warnings += [cell.warning] if cell.warning else []
        if cell.value not in (None, ""):
            row.values[name] = cell.value
    disk_type = next((kind for tag, kind in MEDIA_TYPES if _text(dvd, f"MediaTypes/{tag}").lower() == "true"), None)
    if disk_type:
        row.values["disk_type"] = disk_type
    discs = len(dvd.findall("Discs/Disc"))
    if discs:
        row.values["disc_count"] = discs
    _status(row, _text(dvd, "CollectionType"))
    _loan(row, dvd)
    if not row.values.get("name"):
        row.problems.insert(0, "No title.")
    return row


def _directors(dvd):
    for credit in dvd.findall("Credits/Credit"):
        if credit.get("CreditType") == "Direction":
            name = " ".join(filter(None, (credit.get("FirstName"), credit.get("LastName"))))
            if name:
                yield name


def _status(row, collection_type):
    if not collection_type:
        return
    status = STATUSES.get(collection_type.casefold())
    if status:
        row.values["status"] = status
    else:
        row.skip = f"Not in your collection (collection type “{collection_type[:30]}”)."


def _loan(row, dvd):
    if _text(dvd, "LoanInfo/Loaned").lower() != "true":
        return
    user = dvd.find("LoanInfo/User")
    borrower = " ".join(filter(None, (user.get("FirstName"), user.get("LastName")))) if user is not None else ""
    row.values["lent_to"] = borrower or "Someone"
    due = parse_purchase_date(_text(dvd, "LoanInfo/Due")[:10])
    if due.value:
        row.values["loan_due"] = due.value
