"""The barcodes printed on disc cases (EAN-13, UPC-A, EAN-8): check digits, and the forms one code takes.

A UPC-A is an EAN-13 with a leading zero, and both are GTIN-14s with leading zeros, so a case
scanned as `012345678905` must find a disc stored as `0012345678905`.
"""

SCANNED_LENGTHS = (8, 12, 13)
GTIN_LENGTH = 14
STORED_LENGTHS = (8, 12, 13, 14)


def digits_of(text):
    """The code as typed, without the spaces and dashes printed under the bars."""
    return "".join(ch for ch in str(text) if ch not in " -")


def check_digit(body):
    """The GS1 check digit of a code's other digits: weights 3 and 1 alternating from the right."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return str((10 - total % 10) % 10)


def barcode_problem(code):
    """Why `code` is not an EAN-13, UPC-A or EAN-8 one can look up, or '' when it is one."""
    if not code:
        return "Enter the barcode's digits."
    if not code.isascii() or not code.isdigit():
        return "A barcode has only digits."
    if len(code) not in SCANNED_LENGTHS:
        return f"A disc's barcode has 8, 12 or 13 digits; this one has {len(code)}."
    if check_digit(code[:-1]) != code[-1]:
        return "The check digit does not match: the code was misread or mistyped. Scan it again."
    return ""


def printed_form(code):
    """The code as the case prints it: a decoder may read a UPC-A as the EAN-13 with a leading zero."""
    return code[1:] if len(code) == 13 and code.startswith("0") else code


def equivalent_codes(code):
    """Every way the same product code can be written with 8 to 14 digits (leading zeros added or dropped)."""
    gtin = code.zfill(GTIN_LENGTH)
    return sorted({gtin[-n:] for n in STORED_LENGTHS if not gtin[: GTIN_LENGTH - n].strip("0")})
