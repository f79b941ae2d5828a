"""Seeded ``phone_raw`` cells in the shapes of real exports: the corpus of the phone equivalence
test and of ``benchmarks/bench_phones.py``.

2GIS, Yandex and Google Maps shapes, bought bases, several numbers per cell, extensions, Kazakh
numbers, invalid numbers and junk.
"""

from __future__ import annotations

import random

_RU_LANDLINE = ["495", "499", "812", "343", "383", "846", "861", "863", "843", "351", "473", "4012"]
_RU_MOBILE = ["900", "903", "905", "916", "921", "926", "950", "977", "985", "999"]
_KZ = ["701", "702", "705", "707", "747", "771", "775", "777", "7172", "7273"]
_JUNK = ["нет", "-", "—", "уточнить", "не указан", "n/a", "пн-пт 9-18", "факс", "Тел.:", "+"]
_COMMENTS = ["секретарь", "приёмная", "отдел продаж", "бухгалтерия", "WhatsApp"]
_EXTENSIONS = ["доб. {}", "доб {}", "(доб. {})", "ext. {}", "ext {}", "x{}", "#{}", "вн. {}"]
_SEPARATORS = [", ", ", ", "; ", "\n", ",", " / ", " ", " или "]


def _national(rng: random.Random) -> str:
    """A 10-digit national number: mostly real-looking, some uniformly random (valid or not)."""
    kind = rng.random()
    if kind < 0.45:
        prefix = rng.choice(_RU_MOBILE)
    elif kind < 0.8:
        prefix = rng.choice(_RU_LANDLINE)
    elif kind < 0.88:
        prefix = rng.choice(_KZ)
    elif kind < 0.95:
        prefix = "800"
    else:
        prefix = str(rng.randint(0, 9))  # anything at all: exercises every prefix of the fast path
    return prefix + "".join(rng.choice("0123456789") for _ in range(10 - len(prefix)))


def _written(national: str, rng: random.Random) -> str:
    """The number in one of the ways users and exporters write it."""
    a, b, c, d = national[:3], national[3:6], national[6:8], national[8:]
    forms = [
        f"8 ({a}) {b}-{c}-{d}",
        f"+7 ({a}) {b}-{c}-{d}",
        f"+7 {a} {b}-{c}-{d}",
        f"+7{national}",
        f"7{national}",
        f"8{national}",
        national,
        f"8-{a}-{b}-{c}-{d}",
        f"8.{a}.{b}.{c}.{d}",
        f"8 {a} {b} {c} {d}",
        f"(+7) {a} {b}{c}{d}",
        f"8({a}){b}{c}{d}",
        f"{a}/{b}-{c}-{d}",
        f"8{national} ({rng.choice(_COMMENTS)})",
    ]
    return rng.choice(forms)


def _broken(rng: random.Random) -> str:
    """A number that cannot be valid: too short, zeros, a stray digit, a foreign-looking prefix."""
    national = _national(rng)
    options = [
        f"{national[3:6]}-{national[6:8]}-{national[8:]}",
        "+7 (000) 000-00-00",
        f"8 ({national[:3]}) {national[3:5]}",
        f"8{national}{rng.randint(0, 9)}",
        f"+8 {national}",
        f"810{national[:8]}",
        f"{rng.randint(10000, 99999999)}",
    ]
    return rng.choice(options)


def _fragment(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.86:
        text = _written(_national(rng), rng)
        if rng.random() < 0.06:
            text += " " + rng.choice(_EXTENSIONS).format(rng.randint(1, 9999))
        return text
    if roll < 0.94:
        return _broken(rng)
    return rng.choice(_JUNK)


def make_phone_cells(n: int, seed: int = 20261126, unique_share: float = 0.6) -> list[str | None]:
    """``n`` seeded ``phone_raw`` cells; about ``unique_share`` of them distinct, the rest repeats."""
    rng = random.Random(seed)
    # Drawing the repeats with replacement leaves some pool cells unused: aim the pool higher.
    distinct = max(1, min(n, int(n * unique_share * 1.25)))
    pool: list[str | None] = []
    for _ in range(distinct):
        if rng.random() < 0.03:
            pool.append(None)
            continue
        count = rng.choices([1, 2, 3, 4], weights=[70, 20, 7, 3])[0]
        parts = [_fragment(rng) for _ in range(count)]
        cell = parts[0]
        for part in parts[1:]:
            cell += rng.choice(_SEPARATORS) + part
        pool.append(cell)
    cells = pool[: int(n * unique_share)]
    cells += [rng.choice(pool) for _ in range(n - len(cells))]
    rng.shuffle(cells)
    return cells
