"""Pictures computed on the server: coverage over time as bars, places as dots on a world map.

Both are plain numbers handed to a template that draws inline SVG, so they work offline, need no
script (the CSP forbids inline ones anyway) and stay readable by screen readers via a data table.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from newsdesk.store.queries import stored_datetime

MAX_BUCKETS = 60


def _floor(t: datetime, unit: str) -> datetime:
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    if unit == "day":
        return t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "month":
        return t.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return t.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)


def _step(t: datetime, unit: str) -> datetime:
    if unit == "hour":
        return t + timedelta(hours=1)
    if unit == "day":
        return t + timedelta(days=1)
    if unit == "month":
        return t.replace(year=t.year + 1, month=1) if t.month == 12 else t.replace(month=t.month + 1)
    return t.replace(year=t.year + 1)


LABELS = {"hour": "%d %b %Y, %H:00", "day": "%d %b %Y", "month": "%b %Y", "year": "%Y"}


def _has_time(value: str) -> bool:
    """Whether an ISO value says the time of day: a bare date ("2016-10-06") does not."""
    return len(value.strip()) > 10


def _has_zone(value: str) -> bool:
    """Whether an ISO value says its zone ("Z", "+02:00"): ``stored_datetime`` turns those into UTC."""
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).tzinfo is not None
    except ValueError:
        return False


def coverage(times: list[str | None]) -> list[dict]:
    """Items per hour, day, month or year (the finest that fits in ``MAX_BUCKETS``), gaps included.
    Hours only when every item has a time: a bare date parses as midnight, and hourly bars would
    invent that hour. When every item says its zone, the buckets are UTC and say so (hour labels end
    in "UTC", ``start`` in "Z", as the desk's other times do); a time the source gave without one is
    shown without one."""
    parsed, timed, zoned = [], True, True
    for value in times:
        if value:
            try:
                parsed.append(stored_datetime(value))
            except ValueError:
                continue
            timed = timed and _has_time(value)
            zoned = zoned and _has_zone(value)
    if not parsed:
        return []
    first, last = min(parsed), max(parsed)
    for unit in ("hour", "day", "month", "year")[0 if timed else 1 :]:
        start, end = _floor(first, unit), _floor(last, unit)
        count, cursor = 1, start
        while cursor < end and count <= MAX_BUCKETS:
            cursor, count = _step(cursor, unit), count + 1
        if count <= MAX_BUCKETS:
            break
    counts = Counter(_floor(t, unit) for t in parsed)
    zone, label_zone = ("Z", " UTC" if unit == "hour" else "") if zoned else ("", "")
    buckets, cursor = [], start
    while cursor <= end:
        buckets.append(
            {"start": cursor.isoformat() + zone, "label": cursor.strftime(LABELS[unit]) + label_zone,
             "count": counts[cursor], "unit": unit}
        )
        cursor = _step(cursor, unit)
    return buckets


def bar_chart(buckets: list[dict], width: int = 480, height: int = 150) -> dict | None:
    """Bar geometry for the template: one bar per bucket, heights scaled to the busiest one."""
    if not buckets:
        return None
    top = max(b["count"] for b in buckets) or 1
    plot_h, left = height - 24, 36  # room below for dates, on the left for the scale
    slot = (width - left) / len(buckets)
    bars = []
    for i, bucket in enumerate(buckets):
        h = round(plot_h * bucket["count"] / top, 1)
        bars.append(
            {
                "x": round(left + i * slot + slot * 0.1, 1),
                "y": round(plot_h - h, 1),
                "w": round(max(slot * 0.8, 1), 1),
                "h": h,
                "label": bucket["label"],
                "count": bucket["count"],
            }
        )
    return {
        "width": width,
        "height": height,
        "plot_h": plot_h,
        "left": left,
        "bars": bars,
        "top": top,
        "first": buckets[0]["label"],
        "last": buckets[-1]["label"],
        "unit": buckets[0]["unit"],
    }


def place_map(places: list[dict], width: int = 640) -> dict | None:
    """Equirectangular dots (x = lon + 180, y = 90 - lat) and a view box framing them with some context.

    Places of no country (continents) get no dot: their centre point says nothing a reader could find
    on the map ("Asia" would be a pin in Tibet) and would stretch the frame to half the globe."""
    located = [p for p in places if p.get("lat") is not None and p.get("lon") is not None and p.get("country")]
    if not located:
        return None
    xs = [p["lon"] + 180 for p in located]
    ys = [90 - p["lat"] for p in located]
    # At least 40° by 20° of context, so one city is shown in its region rather than alone in a blur.
    span_x = max(max(xs) - min(xs) + 30, 40.0)
    span_y = max(max(ys) - min(ys) + 10, span_x / 2)
    span_x = max(span_x, span_y * 2)
    # Shifted right of centre: the labels are written to the right of their dots.
    cx, cy = (max(xs) + min(xs)) / 2 + span_x * 0.08, (max(ys) + min(ys)) / 2
    x0 = min(max(cx - span_x / 2, 0), max(360 - span_x, 0))
    y0 = min(max(cy - span_y / 2, 0), max(180 - span_y, 0))
    x0 = min(x0, min(xs) - span_x * 0.03)  # the westmost dot stays whole, even at the map's edge
    scale = span_x / 360
    dots = [
        {
            "x": round(x, 2),
            "y": round(y, 2),
            "name": p["name"],
            "articles": p.get("articles", 1),
            "r": round((1.2 + min(p.get("articles", 1), 9) ** 0.5) * scale * 2, 2),
        }
        for p, x, y in zip(located, xs, ys, strict=True)
    ]
    font = round(span_x / 40, 2)
    _place_labels(dots, font, (x0, y0, x0 + span_x, y0 + span_y))
    return {
        "view_box": f"{x0:.1f} {y0:.1f} {span_x:.1f} {span_y:.1f}",
        "dots": dots,
        "width": width,
        "height": round(width * span_y / span_x),
        "font": font,
        "stroke": round(scale * 0.6, 3),
    }


def _place_labels(dots: list[dict], font: float, frame: tuple[float, float, float, float]) -> None:
    """Give each dot a label position (``label_x``, ``label_y``, ``anchor``) that overlaps no label
    placed before it nor any dot and stays in ``frame``, trying right, left, above and below; the
    most-covered places choose first. A dot
    with no free spot gets no label (its name stays in the dot's tooltip): "Aleppo" written over
    "Syria" helped no one."""
    discs = [(d["x"] - d["r"], d["y"] - d["r"], d["x"] + d["r"], d["y"] + d["r"]) for d in dots]
    boxes: list[tuple[float, float, float, float]] = []
    for dot in sorted(dots, key=lambda d: (-d["articles"], d["name"])):
        width, gap = len(dot["name"]) * font * 0.58, dot["r"] * 1.3
        x, y = dot["x"], dot["y"]
        spots = [(x + gap, y + font * 0.35, "start"), (x - gap, y + font * 0.35, "end"),
                 (x, y - gap - font * 0.2, "middle"), (x, y + gap + font * 0.9, "middle")]
        for label_x, label_y, anchor in spots:
            left = {"start": label_x, "end": label_x - width, "middle": label_x - width / 2}[anchor]
            box = (left, label_y - font * 0.8, left + width, label_y + font * 0.2)
            inside = frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in boxes + discs):
                boxes.append(box)
                dot.update(label_x=round(label_x, 2), label_y=round(label_y, 2), anchor=anchor)
                break
