"""A fake barcode lookup with UPCitemdb's API shape on 127.0.0.1: `with FakeUPC() as fake: fake.lookup_url`."""

from fakes.replies import json_reply
from fakes.server import FakeServer

LOOKUP_PATH = "/prod/trial/lookup"

# Codes with valid check digits, under titles shaped like real shop listings (noisy, as those are).
PRODUCTS = {
    "5039036057349": ("Alien [Blu-ray] [1979] [Region Free] (Director's Cut)", "20th Century Fox"),
    "883929106745": ("The Dark Knight (Two-Disc Special Edition) [Blu-ray]", "Warner Home Video"),
    "5051892008280": ("Inception [Blu-ray] [2010] [Region Free]", "Warner Home Video"),
    "025192232244": ("HEAT [DVD] By Al Pacino", "Warner"),
    "5050582721478": ("Spirited Away (Region 2) [DVD] (UK Import)", "Optimum"),
}
NOT_LISTED = {"code": "OK", "total": 0, "offset": 0, "items": []}
INVALID_UPC = {"code": "INVALID_UPC", "message": "Not a valid UPC code."}


def item(code, title, brand):
    """One product as /prod/trial/lookup lists it."""
    ean = code.zfill(13)
    return {
        "ean": ean,
        "title": title,
        "description": "",
        "upc": ean[1:] if ean.startswith("0") else "",
        "brand": brand,
        "model": "",
        "category": "Media > DVDs & Videos",
        "images": [],
        "offers": [],
    }


class FakeUPC(FakeServer):
    """Fake UPCitemdb: the trial lookup (no key) or, with `key`, the paid one (user_key header)."""

    calls_label = "by_code"
    default_port = 8767
    config_defaults = {**FakeServer.config_defaults, "key": ""}
    wrong_shape_payload = {"total": 1, "items": {"title": "not a list"}}
    status_error_payload = {"code": "SERVER_ERR", "message": "Internal error"}

    def __init__(self, *, products=None, key="", **options):
        self.products = dict(PRODUCTS if products is None else products)
        super().__init__(key=key, **options)

    @property
    def lookup_url(self):
        return self.root_url + LOOKUP_PATH

    def check_extra(self, name, value):
        if name != "key":
            return super().check_extra(name, value)
        if not isinstance(value, str):
            raise ValueError("key must be a string ('' for the keyless trial)")
        return value

    def count_key(self, path, query):
        return query.get("upc", "") if path == LOOKUP_PATH else None

    def answer(self, path, query, headers):
        if path != LOOKUP_PATH:
            return json_reply(404, {"code": "NOT_FOUND", "message": "No such endpoint"})
        key = self.setting("key")
        if key and headers.get("user_key") != key:
            return json_reply(401, {"code": "INVALID_KEY", "message": "Authentication failed"})
        code = query.get("upc", "").strip()
        if not code.isdigit() or len(code) not in (8, 12, 13, 14):
            return json_reply(400, INVALID_UPC)
        listed = next((c for c in self.products if c.zfill(14) == code.zfill(14)), None)
        if listed is None:
            return json_reply(200, NOT_LISTED)
        title, brand = self.products[listed]
        return json_reply(200, {"code": "OK", "total": 1, "offset": 0, "items": [item(listed, title, brand)]})

    @classmethod
    def argument_parser(cls):
        parser = super().argument_parser()
        parser.add_argument("--key", default="", help="the user_key header required (none: the trial API)")
        return parser

    @classmethod
    def options(cls, args):
        return {**super().options(args), "key": args.key}


if __name__ == "__main__":
    raise SystemExit(FakeUPC.main())
