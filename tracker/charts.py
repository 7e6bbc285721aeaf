"""Chart geometry for the statistics page; the templates draw it as SVG with attributes only
(no style attributes, which the Content Security Policy forbids), the numbers beside each bar."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    percent: int  # of the whole, for the figure beside the bar
    length: float  # 0-100, relative to the largest bar


def bars(items, whole=None):
    """[(label, value)] as Bars; `whole` (default: the sum) is what the percentages are of."""
    items = list(items)
    whole = sum(value for _, value in items) if whole is None else whole
    largest = max((value for _, value in items), default=0)
    return [
        Bar(
            label=label,
            value=value,
            percent=round(100 * value / whole) if whole else 0,
            length=round(100 * value / largest, 2) if largest else 0,
        )
        for label, value in items
    ]
