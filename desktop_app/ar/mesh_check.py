"""Checks a guide's mesh file before Open3D reads it.

Open3D believes a PLY header: one claiming 50 million vertices in a 100-byte file makes it
allocate 1.5 GB of garbage, and the claim can be made as large as memory. A guide is data a
merchant (or anyone with a USB stick) ships, so the header's counts are checked against the
file's size and against what an assembly guide ever needs before anything is allocated.
"""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.guide_format import GuideError

#: Far beyond any furniture part (the bundled ones have under 100 vertices; imported IKEA parts a
#: few thousand), far below what would exhaust a kiosk's memory.
MAX_MESH_BYTES = 64 * 1024 * 1024
MAX_ELEMENTS = 2_000_000
#: The header itself: a few lines; a "header" without end_header in this many bytes is not one.
_MAX_HEADER_BYTES = 16 * 1024
_PLY_SIZES = {
    "char": 1, "int8": 1, "uchar": 1, "uint8": 1, "short": 2, "int16": 2, "ushort": 2, "uint16": 2,
    "int": 4, "int32": 4, "uint": 4, "uint32": 4, "float": 4, "float32": 4, "double": 8, "float64": 8,
}
_PLY_FORMATS = ("ascii", "binary_little_endian", "binary_big_endian")


def check_mesh_file(path: Path, label: str) -> None:
    """Raise :class:`GuideError` (naming ``label``) for a mesh file too big or whose header lies."""
    size = path.stat().st_size
    if size > MAX_MESH_BYTES:
        raise GuideError(f"{label}: the mesh file is too large ({size // 1_000_000} MB; at most "
                         f"{MAX_MESH_BYTES // 1_000_000} MB).",
                         message_zh=f"{label}：网格文件过大（{size // 1_000_000} MB，最多 {MAX_MESH_BYTES // 1_000_000} MB）。")
    if path.suffix.lower() == ".ply":
        with path.open("rb") as fh:
            head = fh.read(_MAX_HEADER_BYTES)
        _check_ply_header(head, size, label)


def _bad(label: str, why: str) -> GuideError:
    return GuideError(f"{label}: damaged PLY mesh ({why}).", message_zh=f"{label}：PLY 网格文件已损坏（{why}）。")


def _check_ply_header(head: bytes, size: int, label: str) -> None:
    end = head.find(b"end_header")
    if not head.startswith(b"ply") or end < 0:
        raise _bad(label, "no PLY header")
    lines = head[:end].decode("ascii", "replace").splitlines()
    binary = None
    needed = end + len(b"end_header")
    count, per_element = 0, 0
    for line in lines[1:]:
        words = line.split()
        if not words or words[0] in ("comment", "obj_info"):
            continue
        if words[0] == "format":
            if len(words) < 2 or words[1] not in _PLY_FORMATS:
                raise _bad(label, "unknown format")
            binary = words[1] != "ascii"
        elif words[0] == "element":
            needed += count * per_element
            if len(words) != 3 or not words[2].isdigit():
                raise _bad(label, f"bad element line {line[:40]!r}")
            count, per_element = int(words[2]), 0
            if count > MAX_ELEMENTS:
                raise _bad(label, f"{words[1]} count {count} is over {MAX_ELEMENTS}")
        elif words[0] == "property":
            # binary: the bytes of each value (a list: at least its length); ascii: a digit and a space
            kind = words[2] if len(words) >= 3 and words[1] == "list" else (words[1] if len(words) >= 2 else "")
            if kind not in _PLY_SIZES:
                raise _bad(label, f"unknown property type {kind[:20]!r}")
            per_element += _PLY_SIZES[kind] if binary else 2
        else:
            raise _bad(label, f"unexpected header line {line[:40]!r}")
    if binary is None:
        raise _bad(label, "no format line")
    needed += count * per_element
    if needed > size:
        raise _bad(label, f"the header promises at least {needed} bytes, the file has {size}")
