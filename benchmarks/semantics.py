"""``evaluate`` over 100,000 generated records: the in-memory meaning's hot path.

    python benchmarks/semantics.py [--records 100000]

Prints the time to evaluate a few filters (text, ``$like``, numbers, dates)
over the records, one compiled predicate per filter, and records per second.
"""

from __future__ import annotations

import argparse
import random
import time

from scale_query import ObjectSchema, parse
from scale_query.semantics import evaluate

SCHEMA = ObjectSchema.from_api(
    {
        "Nom": {"attribs": {"type": "text"}},
        "Prenom": {"attribs": {"type": "text"}},
        "Montant": {"attribs": {"type": "decimal", "length": "10,2"}},
        "DateNaissance": {"attribs": {"type": "date"}},
    }
)
FILTERS = [
    'Prenom $eq "helene"',
    'Nom $like "*du*"',
    "Montant $gte 120.5",
    'DateNaissance $gt "1990-06-12" $and Nom $neq "Dupont"',
]
NAMES = ["Dupont", "Durand", "Hélène", "Lefèvre", "Straße", "Ødegaard", "Martin", "Élodie"]


def _records(count: int) -> list[dict[str, str]]:
    rng = random.Random(7)
    return [
        {
            "Nom": rng.choice(NAMES) + str(i % 97),
            "Prenom": rng.choice(NAMES),
            "Montant": f"{rng.randrange(100000) / 100:.2f}",
            "DateNaissance": f"{rng.randrange(1950, 2005)}-{rng.randrange(1, 13):02d}-"
            f"{rng.randrange(1, 29):02d}",
        }
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    records = _records(args.records)
    print(f"{'filter':<56}{'seconds':>9}{'records/s':>12}")
    for text in FILTERS:
        expr = parse(text)
        start = time.perf_counter()
        matched = sum(evaluate(expr, record, schema=SCHEMA) for record in records)
        took = time.perf_counter() - start
        print(f"{text:<56}{took:>9.2f}{len(records) / took:>12,.0f}  ({matched} matched)")


if __name__ == "__main__":
    main()
