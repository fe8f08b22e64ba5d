"""The arrays of an uncompressed .npz file as read-only memory maps, and an atomic way to write one.

np.load ignores mmap_mode for .npz files and copies every array into memory. Memory-mapped, a saved
index opens without reading its hundreds of megabytes: pages are read when a query first touches them,
and every gunicorn worker that maps the same file shares one copy in the page cache.
"""

from __future__ import annotations

import os
import secrets
import struct
import zipfile
from pathlib import Path

import numpy as np

LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature … file name length, extra field length (30 bytes)


def write(path: str | Path, arrays: dict[str, np.ndarray]) -> None:
    """Save arrays as an uncompressed .npz that replaces `path` at once: a reader never sees half a file,
    and processes that mapped the old file keep reading it (its inode lives until they close it)."""
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    try:
        # O_EXCL: never another's file; mode 0o666 less the umask, as open() gives (mkstemp makes it private)
        with os.fdopen(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666), "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]  # numpy's stub types **kwds as bool
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read(path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an .npz: memory-mapped when stored uncompressed (as write() stores them), else read.

    A file that is not such an archive (or is cut short) raises ValueError naming it.
    """
    try:
        return _read(path)
    except (zipfile.BadZipFile, EOFError, struct.error, ValueError) as exc:
        raise ValueError(f"{path}: not a readable .npz archive ({exc})") from None


def _read(path: str | Path) -> dict[str, np.ndarray]:
    arrays: dict[str, np.ndarray] = {}
    with open(path, "rb") as handle, zipfile.ZipFile(handle) as archive:
        for info in archive.infolist():
            name = info.filename.removesuffix(".npy")
            if info.compress_type == zipfile.ZIP_STORED:
                arrays[name] = _mapped(path, handle, info)
            else:
                with archive.open(info) as member:
                    arrays[name] = np.lib.format.read_array(member, allow_pickle=False)
    return arrays


def _mapped(path: str | Path, handle, info: zipfile.ZipInfo) -> np.ndarray:
    """One stored member as a memory map (an empty array is made, since nothing can map zero bytes)."""
    handle.seek(info.header_offset)
    signature, name_length, extra_length = LOCAL_HEADER.unpack(handle.read(LOCAL_HEADER.size))
    if signature != b"PK\x03\x04":
        raise ValueError(f"{path}: {info.filename} has no local zip header")
    handle.seek(name_length + extra_length, os.SEEK_CUR)
    version = np.lib.format.read_magic(handle)
    reader = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, fortran, dtype = reader(handle)
    if dtype.hasobject:
        raise ValueError(f"{path}: {info.filename} holds Python objects, which an index never does")
    if not int(np.prod(shape)):
        return np.zeros(shape, dtype=dtype)
    mapped = np.memmap(path, dtype=dtype, mode="r", offset=handle.tell(), shape=shape, order="F" if fortran else "C")
    return mapped.view(np.ndarray)  # a plain array (it keeps the map alive): no subclass cost on every slice

