"""Demo data, apart from the app: four past editions of Co-production Week (2022, and 2024 to
2026) and a draft 2027, one account per role, a contributor's ledger, the 2027 call and its first
release, the longest data the demo holds, the Care Equity Evidence Hub, and the resources the
weeks left behind (reports, recordings, slides, podcast episodes). One module per part;
`seed.seed_demo` loads them all (`flask seed-demo`), through the domains' own services where a
rule applies.
"""

from cpweek.demo.accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, LONG_NAME
from cpweek.demo.seed import SeedResult, database_is_empty, seed_demo

__all__ = [
    "DEMO_ACCOUNTS",
    "DEMO_PASSWORD",
    "LONG_NAME",
    "SeedResult",
    "database_is_empty",
    "seed_demo",
]
