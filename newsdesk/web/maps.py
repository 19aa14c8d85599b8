"""Builds the world outline the place maps draw on, from Natural Earth's 1:110m land (public domain) as
packaged by the npm module ``world-atlas`` (ISC). Run once when updating the vendored file:

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m newsdesk.web.maps package/land-110m.json newsdesk/web/static/land-110m.svg

TopoJSON stores shared, delta-encoded, quantised arcs; we decode them into one SVG path in the same
equirectangular frame as ``charts.place_map`` (x = lon + 180, y = 90 - lat), so the desk needs neither a
map library nor a network connection.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Make a ring that crosses the antimeridian continuous (Chukotka, Fiji, Antarctica), instead of
    drawing a line across the whole map; a ring around a pole is closed along the pole."""
    out = [points[0]]
    for lon, lat in points[1:]:
        while lon - out[-1][0] > 180:
            lon -= 360
        while lon - out[-1][0] < -180:
            lon += 360
        out.append((lon, lat))
    if abs(out[-1][0] - out[0][0]) > 180:
        pole = -90.0 if sum(lat for _, lat in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole)]
    return out


def land_path(topology: dict) -> str:
    arcs = decode_arcs(topology)
    parts = []
    for geometry in topology["objects"]["land"]["geometries"]:
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        for polygon in polygons:
            for ring in polygon:
                points = unwrap(ring_points(ring, arcs))
                lons = [lon for lon, _ in points]
                # A ring reaching past ±180° is drawn again one turn over, so both map edges show it.
                shifts = [0] + ([-360] if max(lons) > 180 else []) + ([360] if min(lons) < -180 else [])
                for shift in shifts:
                    coords = " ".join(f"{lon + shift + 180:.1f},{90 - lat:.1f}" for lon, lat in points)
                    parts.append(f"M{coords}Z")
    return "".join(parts)


def build(source: Path, target: Path) -> None:
    path = land_path(json.loads(source.read_text()))
    target.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 180" width="360" height="180">'
        "<!-- Natural Earth 1:110m land (public domain), via world-atlas 2.0.2 (ISC) -->"
        f'<path d="{path}" fill="#dfe3d8" stroke="#b9c0ad" stroke-width="0.15" fill-rule="evenodd"/></svg>\n'
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
