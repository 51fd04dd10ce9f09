"""One way to page a long list: the page number read from the address, and where a page sits
in the whole (`Paging`: how many pages, which rows it shows). Anything that is not a whole
number from 1 is the first page; a page past the last is `PageNotFound`, which a view answers
with a 404. The shared navigation is `templates/_macros/pagination.html`."""

from __future__ import annotations

from dataclasses import dataclass

from cpweek.errors import DomainError

# Past any last page, and never near a database's integer limits: (10**9 - 1) * 50 still fits
# a 64-bit OFFSET, though no page past the last is ever fetched.
BEYOND = 10**9


class PageNotFound(DomainError):
    """A page past the last page of a list."""


def page_number(text: str | None) -> int:
    """A page number from the address (`?page=`): a whole number from 1, in ASCII digits;
    anything else ('', 'abc', '-1', '0', '1.5', a full-width digit) is the first page, and a
    number of any size past BEYOND is BEYOND (past any last page: a 404, never a 500)."""
    text = (text or "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > 9:
        return BEYOND
    return int(text) or 1


@dataclass(frozen=True)
class Paging:
    """Page `page` of `total` rows, `per_page` to a page. There is always a page 1, even of
    nothing; `check()` refuses a page past the last."""

    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first row; 0 when there are none."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.page * self.per_page, self.total)

    def check(self, of: str = "results") -> Paging:
        """This paging, or PageNotFound when its page is past the last ("There is no page 9:
        there are 3 pages of comments.")."""
        if self.page > self.pages:
            pages = "is 1 page" if self.pages == 1 else f"are {self.pages} pages"
            raise PageNotFound(f"There is no page {self.page}: there {pages} of {of}.")
        return self
