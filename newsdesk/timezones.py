"""Time-zone abbreviations as news sites and feeds write them ("22:30 EDT", "09:00 CEST", "14:05 IST").

Neither date parser the desk uses knows them all: dateutil knows none but UTC and GMT (a time in any other
is kept as a clock time with no zone, hours off once stored), and feedparser knows the US zones and reads
any other name as UTC. An abbreviation names one offset here; the ambiguous ones take the reading English
news means most often (IST is India's, CST the US Central, AST the Atlantic).
"""

from __future__ import annotations

import re

_HOUR = 3600
ZONES: dict[str, int] = {  # seconds east of UTC
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0, "WEST": _HOUR, "BST": _HOUR, "IST": 5 * _HOUR + 1800,
    "CET": _HOUR, "CEST": 2 * _HOUR, "MET": _HOUR, "MEST": 2 * _HOUR, "EET": 2 * _HOUR, "EEST": 3 * _HOUR,
    "MSK": 3 * _HOUR, "TRT": 3 * _HOUR, "WAT": _HOUR, "CAT": 2 * _HOUR, "SAST": 2 * _HOUR, "EAT": 3 * _HOUR,
    "GST": 4 * _HOUR, "IRST": 3 * _HOUR + 1800, "PKT": 5 * _HOUR, "NPT": 5 * _HOUR + 2700, "ICT": 7 * _HOUR,
    "WIB": 7 * _HOUR, "WITA": 8 * _HOUR, "WIT": 9 * _HOUR, "SGT": 8 * _HOUR, "MYT": 8 * _HOUR, "PHT": 8 * _HOUR,
    "HKT": 8 * _HOUR, "AWST": 8 * _HOUR, "JST": 9 * _HOUR, "KST": 9 * _HOUR, "ACST": 9 * _HOUR + 1800,
    "ACDT": 10 * _HOUR + 1800, "AEST": 10 * _HOUR, "AEDT": 11 * _HOUR, "NZST": 12 * _HOUR, "NZDT": 13 * _HOUR,
    "HST": -10 * _HOUR, "AKST": -9 * _HOUR, "AKDT": -8 * _HOUR, "PST": -8 * _HOUR, "PDT": -7 * _HOUR,
    "MST": -7 * _HOUR, "MDT": -6 * _HOUR, "CST": -6 * _HOUR, "CDT": -5 * _HOUR, "EST": -5 * _HOUR,
    "EDT": -4 * _HOUR, "AST": -4 * _HOUR, "ADT": -3 * _HOUR, "NST": -3 * _HOUR - 1800, "NDT": -2 * _HOUR - 1800,
    "ART": -3 * _HOUR, "BRT": -3 * _HOUR, "CLT": -4 * _HOUR, "COT": -5 * _HOUR, "PET": -5 * _HOUR,
}
_LAST_WORD = re.compile(r"([A-Za-z]+)\W*$")


def zone_name(text: str) -> str | None:
    """The zone abbreviation a date string ends on ("Thu, 06 Oct 2016 09:00 CEST" -> "CEST"), if it is one
    of ``ZONES``."""
    match = _LAST_WORD.search(text)
    return match.group(1).upper() if match and match.group(1).upper() in ZONES else None
