"""Seeded mutations of real videos, for fuzzing the decode path and the API.

A mutant is the bytes of one shared clip with one damage applied: bit flips, a run of
overwritten bytes, a truncation, or, in an MP4/MOV, a corrupted atom (its size field, its
type, one of its header fields, a sample-table count or entry, or the atom cut out).
Damage that follows the MP4 structure reaches the parsers' bookkeeping, which random
bit flips (landing mostly in the picture data) rarely do.

Mutant ``i`` of seed ``s`` depends on nothing but ``(s, i)`` and the source clips, so a
failure found on one machine is rebuilt byte for byte on another from its name.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.support.media import MEDIA

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm")
STILL_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".bmp")

# Atoms whose body is a list of atoms, and where in the body that list starts.
_CHILDREN_AT = {
    **dict.fromkeys((b"moov", b"trak", b"mdia", b"minf", b"stbl", b"dinf", b"edts", b"udta", b"mvex"), 0),
    **dict.fromkeys((b"moof", b"traf", b"mfra", b"tref", b"sinf", b"schi"), 0),
    b"meta": 4,  # version and flags first
    b"stsd": 8,  # version, flags, entry count
    b"dref": 8,
    **dict.fromkeys((b"avc1", b"avc3", b"hvc1", b"hev1", b"mp4v", b"vp09", b"av01", b"encv"), 78),  # visual entry
    **dict.fromkeys((b"mp4a", b"enca"), 28),  # audio sample entry
}
# Sample tables: (entry count offset in the body, bytes per entry, first entry offset).
_TABLES = {
    b"stts": (4, 8, 8),
    b"ctts": (4, 8, 8),
    b"stss": (4, 4, 8),
    b"stps": (4, 4, 8),
    b"stsc": (4, 12, 8),
    b"stco": (4, 4, 8),
    b"co64": (4, 8, 8),
    b"stsz": (8, 4, 12),  # sample size at 4, count at 8
    b"elst": (4, 12, 8),
    b"sbgp": (8, 8, 12),
}
_FIELD_VALUES = (0, 1, 2, 0x7F, 0xFF, 0x100, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF)


@dataclass(frozen=True)
class Atom:
    offset: int  # of the size field
    size: int
    kind: bytes
    header: int  # 8, or 16 with a 64-bit size
    depth: int

    @property
    def body(self) -> int:
        return self.offset + self.header

    @property
    def end(self) -> int:
        return self.offset + self.size


@dataclass(frozen=True)
class Mutant:
    name: str  # source, index and damage: enough to rebuild it with mutant()
    source: Path
    kind: str
    detail: str
    data: bytes


def atoms(data: bytes, start: int = 0, end: int | None = None, depth: int = 0) -> list[Atom]:
    """Every atom of an MP4/MOV, outermost first; parsing stops where the sizes stop making sense."""
    end = len(data) if end is None else end
    found: list[Atom] = []
    pos = start
    while pos + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, pos)
        header = 8
        if size == 1 and pos + 16 <= end:
            size, header = struct.unpack_from(">Q", data, pos + 8)[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end or not kind.isascii():
            break
        atom = Atom(pos, size, kind, header, depth)
        found.append(atom)
        if kind in _CHILDREN_AT:
            found += atoms(data, atom.body + _CHILDREN_AT[kind], atom.end, depth + 1)
        pos += size
    return found


# The shared folders tests may read: the top level and these. Anything else there (photos
# held out for review) is never read.
SHARED_FOLDERS = ("multi_person", "solo_dance", "yoga")


def shared_clips(max_bytes: int | None = None, suffixes: tuple[str, ...] = VIDEO_SUFFIXES) -> list[Path]:
    """The shared videos (or, with STILL_SUFFIXES, pictures), smallest first, at most
    ``max_bytes`` each; empty if ../shared/media is absent. Only the top level and
    ``SHARED_FOLDERS`` are read."""
    if not MEDIA.is_dir():
        return []
    places = [MEDIA.glob("*"), *(MEDIA.joinpath(folder).glob("*") for folder in SHARED_FOLDERS)]
    found = [p for place in places for p in place if p.suffix.lower() in suffixes and p.is_file()]
    found = [p for p in found if max_bytes is None or p.stat().st_size <= max_bytes]
    return sorted(found, key=lambda p: (p.stat().st_size, p.name))


def mutants(sources: list[Path], count: int, seed: int, first: int = 0) -> Iterator[Mutant]:
    """Mutants ``first`` .. ``first + count - 1`` of ``seed``, the sources taken in turn."""
    originals = {path: path.read_bytes() for path in sources}
    for index in range(first, first + count):
        source = sources[index % len(sources)]
        yield mutant(source, originals[source], seed, index)


def mutant(source: Path, data: bytes, seed: int, index: int) -> Mutant:
    """Mutant ``index`` of ``seed`` made from ``data`` (the bytes of ``source``)."""
    rng = random.Random(f"{seed}:{index}:{source.name}")
    structure = atoms(data) if source.suffix.lower() in (".mp4", ".mov", ".m4v") else []
    kinds = [(kind, weight) for kind, weight in _WEIGHTS if structure or kind not in _NEEDS_ATOMS]
    kind = rng.choices([k for k, _ in kinds], weights=[w for _, w in kinds])[0]
    mutated, detail = _MUTATIONS[kind](rng, bytearray(data), structure)
    return Mutant(f"{source.stem}-{seed}-{index:05d}-{kind}", source, kind, detail, bytes(mutated))


# ------------------------------------------------------------------------- the damages

Mutation = Callable[[random.Random, bytearray, list[Atom]], tuple[bytearray, str]]


def _bit_flips(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    """A few flipped bits: mostly in the metadata when there is any, where each one matters."""
    moov = [a for a in structure if a.kind == b"moov"]
    lo, hi = (moov[0].offset, moov[0].end) if moov and rng.random() < 0.7 else (0, len(data))
    flips = sorted(rng.randrange(lo * 8, hi * 8) for _ in range(rng.randint(1, 8)))
    for bit in flips:
        data[bit // 8] ^= 0x80 >> (bit % 8)
    return data, f"bits {flips}"


def _overwrite(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    length = rng.choice((1, 2, 4, 16, 64, 512, 4096))
    at = rng.randrange(len(data))
    filler = rng.choice(("zeros", "ones", "random"))
    run = {"zeros": bytes(length), "ones": b"\xff" * length}.get(filler) or rng.randbytes(length)
    data[at : at + length] = run[: len(data) - at]
    return data, f"{length} {filler} bytes at {at}"


def _truncate(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    inside = [a for a in structure if a.kind in (b"moov", b"mdat")]
    if inside and rng.random() < 0.5:
        atom = rng.choice(inside)
        cut = rng.randrange(atom.offset, atom.end)
    else:
        cut = rng.randrange(1, len(data))
    return data[:cut], f"cut at {cut} of {len(data)}"


def _atom_size(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    """The size field of one atom set to a value the parser must not trust (``vmhd`` at 10...)."""
    atom = rng.choice(structure)
    if atom.header == 16:
        value = rng.choice((0, 1, 8, atom.size - 1, atom.size + 1, 2**63, 2**64 - 1))
        struct.pack_into(">Q", data, atom.offset + 8, value % 2**64)
    else:
        value = rng.choice((0, 1, 7, 8, 9, 10, 16, atom.size - 1, atom.size + 1, atom.size * 2, 0xFFFFFFFF))
        value = value if rng.random() < 0.9 else rng.getrandbits(32)
        struct.pack_into(">I", data, atom.offset, value % 2**32)
    return data, f"{atom.kind.decode()} at {atom.offset}: size {atom.size} -> {value}"


def _atom_type(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    atom = rng.choice(structure)
    other = rng.choice([a.kind for a in structure] + [b"free", b"skip", b"\x00\x00\x00\x00", rng.randbytes(4)])
    data[atom.offset + 4 : atom.offset + 8] = other
    return data, f"{atom.kind.decode()} at {atom.offset} renamed {other!r}"


def _table(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    """A sample table's entry count or one of its entries (a time, an offset, a size) made absurd."""
    tables = [a for a in structure if a.kind in _TABLES and a.size >= a.header + 8]
    if not tables:
        return _field(rng, data, structure)
    atom = rng.choice(tables)
    count_at, entry_bytes, first_at = _TABLES[atom.kind]
    (count,) = struct.unpack_from(">I", data, atom.body + count_at)
    entries = max(0, min(count, (atom.end - atom.body - first_at) // entry_bytes))
    if entries and rng.random() < 0.6:
        at = atom.body + first_at + rng.randrange(entries) * entry_bytes + 4 * rng.randrange(entry_bytes // 4)
        what = f"entry word at {at}"
    else:
        at, what = atom.body + count_at, "entry count"
    (old,) = struct.unpack_from(">I", data, at)
    new = rng.choice((*_FIELD_VALUES, old + 1, max(old - 1, 0), old * 2, rng.getrandbits(32))) % 2**32
    struct.pack_into(">I", data, at, new)
    return data, f"{atom.kind.decode()} at {atom.offset}: {what} {old} -> {new}"


def _field(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    """One 1-, 2- or 4-byte field in an atom's body (time scales, durations, widths, codec setup)."""
    leaves = [a for a in structure if a.kind not in (b"mdat", b"free") and a.size > a.header + 4]
    atom = rng.choice(leaves)
    width = rng.choice((1, 2, 4))
    at = rng.randrange(atom.body, atom.end - width + 1)
    old = int.from_bytes(data[at : at + width], "big")
    new = rng.choice((*_FIELD_VALUES, old + 1, old - 1, rng.getrandbits(32))) % 2 ** (8 * width)
    data[at : at + width] = new.to_bytes(width, "big")
    return data, f"{atom.kind.decode()} at {atom.offset}: {width}-byte field at {at} {old} -> {new}"


def _cut_atom(rng: random.Random, data: bytearray, structure: list[Atom]) -> tuple[bytearray, str]:
    """An atom removed, its ancestors' sizes kept consistent: a well-formed file missing a part."""
    atom = rng.choice([a for a in structure if a.kind != b"mdat"] or structure)
    for parent in structure:
        if parent.offset < atom.offset and atom.end <= parent.end and parent.header == 8:
            struct.pack_into(">I", data, parent.offset, parent.size - atom.size)
    del data[atom.offset : atom.end]
    return data, f"{atom.kind.decode()} at {atom.offset} ({atom.size} bytes) removed"


_MUTATIONS: dict[str, Mutation] = {
    "bitflip": _bit_flips,
    "overwrite": _overwrite,
    "truncate": _truncate,
    "atom_size": _atom_size,
    "atom_type": _atom_type,
    "table": _table,
    "field": _field,
    "cut_atom": _cut_atom,
}
_NEEDS_ATOMS = {"atom_size", "atom_type", "table", "field", "cut_atom"}
_WEIGHTS = (
    ("bitflip", 3),
    ("overwrite", 2),
    ("truncate", 2),
    ("atom_size", 3),
    ("atom_type", 1),
    ("table", 3),
    ("field", 3),
    ("cut_atom", 1),
)
