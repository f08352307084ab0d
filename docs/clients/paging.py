"""Paging through a list: every company of a region, a page at a time, with Relay's cursors.

    OSEZIA_API=… OSEZIA_CLIENT_ID=… OSEZIA_CLIENT_SECRET=… python paging.py REGION [PAGE_SIZE]

Each page ends with `pageInfo.endCursor`; the next page starts `after` it, and
`pageInfo.hasNextPage` says whether there is one. Cursors are stable while records are added:
a page never repeats nor skips a record that was there when the paging began. A record's `id`
is a UUID that does not change: store it to find the record again (`node(id:)`). Lists that take
`last` and `before` page back the same way, from `pageInfo.startCursor` while
`hasPreviousPage`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

from osezia_client import Osezia

COMPANIES = """
query Companies($region: String, $first: Int!, $after: String) {
  companies(region: $region, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id siren legalName adoptionStage } }
  }
}
"""


def companies(osezia: Osezia, region: str, size: int = 50) -> Iterator[dict[str, Any]]:
    """Every company of the region the caller's network sees, in the list's order, asked for
    `size` at a time (at most 100)."""
    after = None
    while True:
        asked = {"region": region, "first": size, "after": after}
        page = osezia.query(COMPANIES, asked)["companies"]
        for edge in page["edges"]:
            yield edge["node"]
        if not page["pageInfo"]["hasNextPage"]:
            return
        after = page["pageInfo"]["endCursor"]


def main(region: str, size: int) -> None:
    with Osezia.from_environment() as osezia:
        found = list(companies(osezia, region, size))
    for company in found:
        print(f"{company['siren']}  {company['id']}  {company['legalName']}")
    print(f"{len(found)} companies in region {region}")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 50)
