"""The evidence room's rules, one module per concept: `vocabularies`, `filters` (what a person
chose, and the one query every view of a collection starts from), `catalogue` (collections,
items, citations), `finding` (search, facets), `exports` (the feed and downloads), `gapmap`,
`inclusion`, `suggestions` and `importing` (a package). Views import the module they need."""
