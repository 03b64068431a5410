"""Opening an export's bytes: compression sniffed from magic bytes, with decompression-bomb limits.

The stream returned is plain bytes, read forward only; the on-disk bytes consumed are counted
for progress, and the decompressed bytes for the limits.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zipfile
import zlib
from pathlib import Path
from typing import IO, BinaryIO, cast

from ..errors import ScanError
from .model import ScanLimits

MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"PK\x03\x04": "zip",
    b"PK\x05\x06": "zip",
}
PARQUET_MAGIC = b"PAR1"


def sniff_compression(head: bytes) -> str:
    r"""``gzip``, ``bz2``, ``xz``, ``zip`` or ``none``, from the first bytes.

    Example:
        >>> sniff_compression(b"\x1f\x8b\x08..."), sniff_compression(b"a,b\n")
        ('gzip', 'none')
    """
    for magic, name in MAGIC.items():
        if head.startswith(magic):
            return name
    return "none"


class CountingFile(io.RawIOBase):
    """The file on disk, counting bytes read (for progress)."""

    def __init__(self, path: Path) -> None:
        self._fh = path.open("rb")
        self.count = 0

    @property
    def raw_file(self) -> BinaryIO:
        """The underlying (seekable) file, for formats that must seek."""
        return self._fh

    def readable(self) -> bool:  # noqa: D102
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]  # noqa: D102
        n = self._fh.readinto(buffer)
        self.count += n or 0
        return n or 0

    def close(self) -> None:  # noqa: D102
        self._fh.close()
        super().close()


class LimitedStream:
    """A decompressed stream that refuses to grow past the limits (a decompression bomb)."""

    def __init__(self, inner: IO[bytes], disk: CountingFile, limits: ScanLimits, compressed: bool) -> None:
        self._inner = inner
        self._disk = disk
        self._limits = limits
        self._compressed = compressed
        self.produced = 0

    def read(self, size: int) -> bytes:
        """Up to ``size`` bytes; b"" at the end.

        Raises:
            ScanError: ``analysis.too_large`` past the limits, ``analysis.malformed`` for a
                truncated or corrupt compressed stream.
        """
        try:
            data = self._inner.read(size)
        except (EOFError, OSError, zlib.error, lzma.LZMAError, zipfile.BadZipFile) as exc:
            raise ScanError(f"the compressed data is truncated or corrupt ({type(exc).__name__})", code="analysis.malformed") from None
        self.produced += len(data)
        if self.produced > self._limits.max_decompressed_bytes:
            raise ScanError(
                f"the file expands past {self._limits.max_decompressed_bytes:,} bytes (limit)", code="analysis.too_large"
            )
        if (
            self._compressed
            and self.produced > self._limits.ratio_grace_bytes
            and self.produced > self._limits.max_compression_ratio * max(1, self._disk.count)
        ):
            raise ScanError(
                f"the file expands more than {self._limits.max_compression_ratio:.0f} times: a decompression bomb?",
                code="analysis.too_large",
            )
        return data

    def close(self) -> None:
        """Close the decompressor and the file."""
        self._inner.close()
        self._disk.close()


def open_stream(path: Path, compression: str | None, member: str | None, limits: ScanLimits) -> tuple[LimitedStream, str]:
    """The decompressed bytes of ``path`` and the compression found.

    Raises:
        ScanError: unreadable, a declared compression the bytes contradict, an encrypted,
            nested or ambiguous zip.
    """
    with path.open("rb") as fh:
        head = fh.read(8)
    found = sniff_compression(head)
    if compression not in (None, found):
        raise ScanError(f"the manifest says {compression} but the bytes are {found}", code="analysis.malformed")
    disk = CountingFile(path)
    inner: IO[bytes]
    try:
        if found == "gzip":
            inner = cast(IO[bytes], gzip.GzipFile(fileobj=io.BufferedReader(disk)))
        elif found == "bz2":
            inner = cast(IO[bytes], bz2.BZ2File(io.BufferedReader(disk)))
        elif found == "xz":
            inner = cast(IO[bytes], lzma.LZMAFile(io.BufferedReader(disk)))
        elif found == "zip":
            inner = _zip_member(disk, member)
        else:
            inner = io.BufferedReader(disk)
    except ScanError:
        disk.close()
        raise
    except (OSError, zipfile.BadZipFile, lzma.LZMAError, EOFError) as exc:
        disk.close()
        raise ScanError(f"cannot open the {found} container ({type(exc).__name__})", code="analysis.malformed") from None
    return LimitedStream(inner, disk, limits, compressed=found != "none"), found


def _zip_member(disk: CountingFile, member: str | None) -> IO[bytes]:
    # A zip is read through its central directory (seeks), so progress is per member: the
    # member's compressed size counts as read, which also anchors the bomb ratio.
    archive = zipfile.ZipFile(disk.raw_file)
    infos = [i for i in archive.infolist() if not i.is_dir()]
    if member is not None:
        chosen = next((i for i in infos if i.filename == member), None)
        if chosen is None:
            raise ScanError(f"the zip has no member {member!r}", code="analysis.malformed")
    elif len(infos) == 1:
        chosen = infos[0]
    else:
        raise ScanError(f"the zip holds {len(infos)} files; name one with `member:` in the check", code="analysis.unsupported")
    disk.count = chosen.compress_size
    if chosen.flag_bits & 0x1:
        raise ScanError("the zip member is encrypted; it cannot be scanned", code="analysis.unsupported")
    stream = archive.open(chosen)
    head = stream.read(8)
    if sniff_compression(head) != "none":
        raise ScanError("the zip member is itself an archive; nested archives are not scanned", code="analysis.unsupported")
    return _Prefixed(head, stream)  # type: ignore[return-value]


class _Prefixed:
    """A stream with some bytes already read put back in front."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            out, self._head = self._head, b""
            if size < 0:
                return out + self._rest.read()
            return out + self._rest.read(max(0, size - len(out)))
        return self._rest.read(size)

    def close(self) -> None:
        self._rest.close()
