"""The 18 regions and 101 départements (INSEE COG codes), kept as strings: "01", "2A", "976"."""

from __future__ import annotations

from osezia.domain.errors import InvalidDepartement, InvalidRegion

REGIONS: dict[str, str] = {
    "01": "Guadeloupe",
    "02": "Martinique",
    "03": "Guyane",
    "04": "La Réunion",
    "06": "Mayotte",
    "11": "Île-de-France",
    "24": "Centre-Val de Loire",
    "27": "Bourgogne-Franche-Comté",
    "28": "Normandie",
    "32": "Hauts-de-France",
    "44": "Grand Est",
    "52": "Pays de la Loire",
    "53": "Bretagne",
    "75": "Nouvelle-Aquitaine",
    "76": "Occitanie",
    "84": "Auvergne-Rhône-Alpes",
    "93": "Provence-Alpes-Côte d'Azur",
    "94": "Corse",
}

_DEPARTEMENTS_BY_REGION: dict[str, str] = {
    "11": "75 77 78 91 92 93 94 95",
    "24": "18 28 36 37 41 45",
    "27": "21 25 39 58 70 71 89 90",
    "28": "14 27 50 61 76",
    "32": "02 59 60 62 80",
    "44": "08 10 51 52 54 55 57 67 68 88",
    "52": "44 49 53 72 85",
    "53": "22 29 35 56",
    "75": "16 17 19 23 24 33 40 47 64 79 86 87",
    "76": "09 11 12 30 31 32 34 46 48 65 66 81 82",
    "84": "01 03 07 15 26 38 42 43 63 69 73 74",
    "93": "04 05 06 13 83 84",
    "94": "2A 2B",
    "01": "971",
    "02": "972",
    "03": "973",
    "04": "974",
    "06": "976",
}

REGION_OF_DEPARTEMENT: dict[str, str] = {
    departement: region
    for region, departements in _DEPARTEMENTS_BY_REGION.items()
    for departement in departements.split()
}


def normalise_region(value: str) -> str:
    """Return the 2-character region code; "1" becomes "01"."""
    code = value.strip()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in REGIONS:
        raise InvalidRegion(
            f"region {value!r} is not one of the 18 INSEE region codes (01, 02, 03, 04, 06, 11…94)"
        )
    return code


def normalise_departement(value: str) -> str:
    """Return the département code: "1" becomes "01", "2a" becomes "2A"."""
    code = value.strip().upper()
    if code.isdigit() and len(code) == 1:
        code = "0" + code
    if code not in REGION_OF_DEPARTEMENT:
        raise InvalidDepartement(
            f"département {value!r} is not one of the 101 départements (01…95, 2A, 2B, 971…976)"
        )
    return code


def check_departement_in_region(departement: str, region: str) -> None:
    if REGION_OF_DEPARTEMENT[departement] != region:
        raise InvalidDepartement(
            f"département {departement} lies in region {REGION_OF_DEPARTEMENT[departement]} "
            f"({REGIONS[REGION_OF_DEPARTEMENT[departement]]}), not in region {region}"
        )
