"""Pages deep into a big collection, at the cost of a first page.

A page at OFFSET n makes the database step over n rows; stepping over whole rows costs a visit to
each (at 100,000 DVDs, a middle page of the list took ~0.3 s). Here the page's ids are picked by a
subquery that reads only its sort's index (an index-only scan on PostgreSQL: each sort's index in
DVD.Meta, or made by tracker.postgres_only, holds all its keys), and only those rows are read; a page
nearer the end is counted back from it in the reversed order, so no page steps over more than half.
"""

from functools import cached_property


class IndexedPages:
    """An ordered queryset as the Paginator slices it: the same rows in the same order, one query a page.

    The queryset's ordering must end in a unique column (the pk), as the list's sorts do, so that
    counting from either end gives the same pages.
    """

    ordered = True

    def __init__(self, queryset):
        self.queryset = queryset

    @cached_property
    def total(self):
        return self.queryset.count()

    def count(self):
        return self.total

    def __len__(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice) or index.step not in (None, 1):
            raise TypeError("IndexedPages can only be sliced, as the Paginator does.")
        start, stop, _ = index.indices(self.total)
        if start >= stop:
            return self.queryset.none()
        if start > self.total - stop:
            ids = self.queryset.reverse().values("pk")[self.total - stop : self.total - start]
        else:
            ids = self.queryset.values("pk")[start:stop]
        return self.queryset.filter(pk__in=ids)
