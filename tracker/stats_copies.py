"""The statistics of copies and purchases: what the collection cost per currency, spend per year, and how
many films are kept in one copy or more. Each is one aggregate query; Python loops over its groups only."""

from collections import Counter, defaultdict

from babel.numbers import format_currency
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear
from django.utils import translation

from tracker.models import film_key

COPIES_SHOWN = 4  # 1, 2, 3 and "4 or more" copies


def money(amount, currency):
    """An amount in its currency's own way of writing it, in the page's language: €12.50, £9.99."""
    return format_currency(amount, currency, locale=translation.to_locale(translation.get_language() or "en"))


def value_per_currency(queryset):
    """[(currency, "€12.50", copies priced)] for the copies with a purchase price, largest count first."""
    rows = (
        queryset.filter(purchase_price__isnull=False)
        .order_by()
        .values_list("purchase_currency")
        .annotate(total=Sum("purchase_price"), n=Count("pk"))
    )
    return [(currency, money(total, currency), n) for currency, total, n in sorted(rows, key=lambda r: (-r[2], r[0]))]


def spend_per_year(queryset):
    """[(year, "€34.50 · £9.99")] for the years copies were bought in, latest first."""
    rows = (
        queryset.filter(purchase_price__isnull=False, purchase_date__isnull=False)
        .order_by()
        .annotate(year=ExtractYear("purchase_date"))
        .values_list("year", "purchase_currency")
        .annotate(total=Sum("purchase_price"))
    )
    years = defaultdict(list)
    for year, currency, total in sorted(rows):
        years[year].append(money(total, currency))
    return [(year, " · ".join(amounts)) for year, amounts in sorted(years.items(), reverse=True)]


def copies_per_film(queryset):
    """[("1 copy", films), ("2 copies", films), …, ("4 or more copies", films)]."""
    counts = queryset.order_by().annotate(film=film_key()).values("film").annotate(n=Count("pk")).values_list("n")
    films = Counter(min(n, COPIES_SHOWN) for (n,) in counts)
    labels = {1: "1 copy", COPIES_SHOWN: f"{COPIES_SHOWN} or more copies"}
    return [(labels.get(n, f"{n} copies"), films[n]) for n in range(1, COPIES_SHOWN + 1)]
