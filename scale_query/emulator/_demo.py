"""The built-in demo datamart: contact, orders and products, generated deterministically.

The same records come out on every machine and every run (a fixed seed), so
tests and docs can rely on them.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
import unicodedata
from typing import Any

from ..semantics import FieldInfo, ObjectSchema
from ._definition import Datamart, ObjectDef, Profile, RecordDef, Rights

__all__ = ["DEMO_CONTACTS", "DEMO_TOKEN", "demo_datamart"]

DEMO_TOKEN = "demo-token"
DEMO_CONTACTS = 10_000
_SEED = 20240611

_FIRST_F = [
    "Marie",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Élodie",
    "Sophie",
    "Julie",
    "Anaïs",
    "Céline",
    "Nathalie",
    "Isabelle",
    "Margaux",
    "Zoé",
    "Louise",
    "Lucie",
    "Hélène",
    "Émilie",
    "Sarah",
    "Laura",
    "Aurélie",
    "Amélie",
    "Noémie",
    "Maëlle",
    "Françoise",
]
_FIRST_M = [
    "Jean",
    "Pierre",
    "Louis",
    "Lucas",
    "Hugo",
    "Thomas",
    "Nicolas",
    "Julien",
    "Antoine",
    "Maxime",
    "Théo",
    "Mathéo",
    "Arthur",
    "Gabriel",
    "Raphaël",
    "Léo",
    "François",
    "Benoît",
    "Jérôme",
    "Sébastien",
    "Cédric",
    "Frédéric",
    "Stéphane",
    "Noël",
    "Loïc",
]
_LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefèvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Legrand",
    "Garnier",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guérin",
    "Peeters",
    "Janssens",
    "Maes",
    "Jacobs",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "Dubois",
    "Lemaire",
    "Dumont",
    "Desmet",
    "Lejeune",
    "Renard",
    "Gérard",
    "Hubert",
    "Van_Damme",
    "De_Smet",
    "Van_den_Berghe",
    "Dupuis",
    "Brunet",
    "Châtelain",
    "Bélanger",
    "Lévêque",
    "Séguin",
    "Mbappé",
    "N'Diaye",
    "O'Neill",
]
_STREET_FR = [
    "rue de la Paix",
    "avenue des Champs-Élysées",
    "boulevard Voltaire",
    "rue Victor Hugo",
    "place de la République",
    "rue du Général de Gaulle",
    "chemin des Vignes",
    "allée des Tilleuls",
    "rue Pasteur",
    "impasse des Lilas",
    "quai de la Loire",
    "rue Émile Zola",
]
_STREET_BE = [
    "rue Neuve",
    "avenue Louise",
    "chaussée de Waterloo",
    "rue du Marché aux Herbes",
    "boulevard Anspach",
    "Meir",
    "Veldstraat",
    "rue Royale",
    "place Saint-Lambert",
    "avenue de Tervueren",
]
_CITIES_FR = (
    ("75001", "Paris"),
    ("69002", "Lyon"),
    ("13001", "Marseille"),
    ("31000", "Toulouse"),
    ("06000", "Nice"),
    ("44000", "Nantes"),
    ("67000", "Strasbourg"),
    ("34000", "Montpellier"),
    ("33000", "Bordeaux"),
    ("59000", "Lille"),
    ("35000", "Rennes"),
    ("51100", "Reims"),
)
_CITIES_BE = (
    ("1000", "Bruxelles"),
    ("2000", "Antwerpen"),
    ("9000", "Gent"),
    ("4000", "Liège"),
    ("5000", "Namur"),
    ("7000", "Mons"),
    ("8000", "Brugge"),
    ("6000", "Charleroi"),
    ("1348", "Louvain-la-Neuve"),
)
_PRODUCTS = [
    "Café moulu",
    "Thé vert",
    "Chocolat noir",
    "Confiture d'abricot",
    "Miel de lavande",
    "Huile d'olive",
    "Savon de Marseille",
    "Bougie parfumée",
    "Carnet ligné",
    "Stylo plume",
    "Tasse en grès",
    "Plaid en laine",
    "Gaufres de Liège",
    "Spéculoos",
    "Bière d'abbaye",
    "Pralines",
]
# Common mail providers, so that `EMail $like "*gmail*"` finds people.
_PROVIDERS_FR = ("gmail.com", "orange.fr", "hotmail.fr", "free.fr")
_PROVIDERS_BE = ("gmail.com", "skynet.be", "telenet.be", "hotmail.com")
_CATEGORIES = ("Épicerie", "Maison", "Papeterie", "Boissons")
_STATUSES = ("payée", "expédiée", "livrée", "annulée", "remboursée")


def _field(name: str, type_: str, length: int | None = None, personal: bool = False) -> FieldInfo:
    return FieldInfo(
        name,
        type=type_,
        length=length,
        is_personal_data=personal,
        created="2018-07-28 16:31:28",
        modified="2021-05-20 12:43:28",
    )


def _schema(name: str, *fields: FieldInfo) -> ObjectSchema:
    return ObjectSchema({f.name: f for f in fields}, name)


_CONTACT = _schema(
    "contact",
    _field("Civilite", "choice", 16),
    _field("Prenom", "text", 50, True),
    _field("Nom", "text", 50, True),
    _field("EMail", "email", 100, True),
    _field("Pays", "choice", 2),
    _field("Adresse", "text", 100, True),
    _field("CP", "text", 50),
    _field("Ville", "text", 50),
    _field("DateNaissance", "date", None, True),
    _field("Telephone", "phone", 20, True),
    _field("Optin", "choice", 1),
)
_ORDERS = _schema(
    "orders",
    _field("Reference", "text", 20),
    _field("DateCommande", "datetime"),
    _field("Montant", "decimal", 12),
    _field("Statut", "choice", 16),
    _field("Produit", "text", 100),
)
_PRODUCTS_SCHEMA = _schema(
    "products",
    _field("Nom", "text", 100),
    _field("Categorie", "choice", 32),
    _field("Prix", "decimal", 12),
    _field("Stock", "int", 10),
    _field("DateCreation", "date"),
)


def _ascii(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain.lower() if ch.isalnum() or ch in ".-")


def _contact(rng: random.Random) -> dict[str, Any]:
    female = rng.random() < 0.52
    first = rng.choice(_FIRST_F if female else _FIRST_M)
    last = rng.choice(_LAST).replace("_", " ")
    belgian = rng.random() < 0.3
    cp, city = rng.choice(_CITIES_BE if belgian else _CITIES_FR)
    street = rng.choice(_STREET_BE if belgian else _STREET_FR)
    born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(24_000))
    # Four providers per country, drawn as the four example domains once were:
    # the random stream, and so every other demo value, stays the same.
    domain = rng.choice(_PROVIDERS_BE if belgian else _PROVIDERS_FR)
    phone = (
        f"+32 4{rng.randrange(70, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
        f"{rng.randrange(10, 99)}"
        if belgian
        else f"0{rng.randrange(1, 8)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
        f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}"
    )
    data = {
        "Civilite": "Madame" if female else "Monsieur",
        "Prenom": first,
        "Nom": last.upper() if rng.random() < 0.2 else last,
        "EMail": f"{_ascii(first)}.{_ascii(last)}{rng.randrange(100)}@{domain}",
        "Pays": "BE" if belgian else "FR",
        "Adresse": f"{rng.randrange(1, 200)} {street}",
        "CP": cp,
        "Ville": city,
        "DateNaissance": born.isoformat(),
        "Telephone": phone,
        "Optin": rng.choice("YN"),
    }
    # Real datamarts have holes: some values are simply empty.
    for name in ("Telephone", "DateNaissance", "Pays", "Adresse", "Civilite"):
        if rng.random() < 0.07:
            data[name] = ""
    return data


def _order(rng: random.Random, contact_id: int, number: int) -> RecordDef:
    when = dt.datetime(2021, 1, 1) + dt.timedelta(seconds=rng.randrange(3 * 365 * 86_400))
    amount = f"{rng.randrange(150, 50_000) / 100:.2f}"
    return RecordDef(
        0,
        {
            "Reference": f"CMD-{number:06d}",
            "DateCommande": when.strftime("%Y-%m-%d %H:%M:%S"),
            "Montant": amount if rng.random() > 0.02 else "",
            "Statut": rng.choice(_STATUSES),
            "Produit": rng.choice(_PRODUCTS),
        },
        {"contact": contact_id},
    )


def _products(rng: random.Random) -> list[RecordDef]:
    return [
        RecordDef(
            0,
            {
                "Nom": f"{name} n°{i // len(_PRODUCTS) + 1}",
                "Categorie": rng.choice(_CATEGORIES),
                "Prix": f"{rng.randrange(100, 9_000) / 100:.2f}",
                "Stock": str(rng.randrange(0, 500)),
                "DateCreation": (
                    dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(1500))
                ).isoformat(),
            },
        )
        for i, name in enumerate(_PRODUCTS * 12)
    ]


@functools.lru_cache(maxsize=4)
def demo_datamart(contacts: int = DEMO_CONTACTS) -> Datamart:
    """The demo datamart: ``contacts`` contacts, their orders, and products.

    Profiles: ``demo-token`` (everything), ``readonly-token`` (reads only) and
    ``marketing-token`` (contact only; cannot read Telephone; writes Optin only).

    >>> mart = demo_datamart(20)
    >>> len(mart.objects["contact"].records), sorted(mart.objects)
    (20, ['contact', 'orders', 'products'])
    """
    rng = random.Random(_SEED)
    people = [RecordDef(i + 1, _contact(rng)) for i in range(contacts)]
    orders = [
        _order(rng, contact, 0)
        for contact in range(1, contacts + 1)
        for _ in range(rng.choice((0, 1, 1, 2, 3, 5)))
    ]
    orders = [
        RecordDef(n + 1, {**o.data, "Reference": f"CMD-{n + 1:06d}"}, o.link)
        for n, o in enumerate(orders)
    ]
    objects = {
        "contact": ObjectDef(
            "contact", _CONTACT, (), "", "2022-10-25 16:45:09", "2023-01-27 01:19:17", people
        ),
        "orders": ObjectDef(
            "orders",
            _ORDERS,
            ("contact",),
            "",
            "2022-06-29 17:00:10",
            "2022-07-11 14:21:04",
            orders,
        ),
        "products": ObjectDef(
            "products",
            _PRODUCTS_SCHEMA,
            (),
            "",
            "2022-06-29 17:00:10",
            "2022-07-11 14:21:04",
            _products(rng),
        ),
    }
    readable_contact = frozenset({"id_contact", *_CONTACT.fields} - {"Telephone"})
    profiles = (
        Profile("demo", DEMO_TOKEN),
        Profile(
            "readonly",
            "readonly-token",
            {name: Rights(write=frozenset()) for name in objects},
        ),
        Profile(
            "marketing",
            "marketing-token",
            {"contact": Rights(read=readable_contact, write=frozenset({"Optin"}))},
        ),
    )
    return Datamart(objects, profiles, f"demo-v1-{contacts}")
