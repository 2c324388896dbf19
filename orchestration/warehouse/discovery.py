"""Documents in the raw folder: `<raw_dir>/<year>/<file>`, one Dagster partition each.

Nothing outside the raw folder is ever read: a link is followed only when its target lies inside
the raw folder, and every entry that is not used (a link out of the folder, a dangling link or a
loop, a folder that cannot be listed, a name that is not UTF-8) is listed with its reason, so one
stray entry costs that entry and never the build.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_YEAR_FOLDER = re.compile(r"^\d{4}$")


class RawFolderError(Exception):
    """The raw folder itself cannot be listed: nothing can be built."""


def shown(path: Path | str) -> str:
    """A path as text that can always be printed and stored: bytes of a name that is not UTF-8
    (which Python keeps as lone surrogates) and control characters are written as \\xNN."""
    text = os.fsencode(path).decode("utf-8", errors="backslashreplace")
    return "".join(f"\\x{ord(ch):02x}" if unicodedata.category(ch) == "Cc" else ch for ch in text)


@dataclass(frozen=True, slots=True)
class DocumentFile:
    # The path relative to the raw folder, e.g. "2026/北京市人力资源和社会保障局.txt".
    document_id: str
    path: Path
    folder_year: int
    # The raw folder, resolved; reading refuses a file that has become a link out of it.
    raw_dir: Path | None = None

    def read(self) -> bytes:
        return self._inside().read_bytes()

    def sha256(self) -> str:
        return file_sha256(self._inside())

    def _inside(self) -> Path:
        """The path, after checking it has not become a link out of the raw folder since it
        was discovered."""
        if self.raw_dir is not None:
            target = Path(os.path.realpath(self.path))
            if not target.is_relative_to(self.raw_dir):
                raise OSError(
                    f"{shown(self.path)} now leads to {shown(target)}, outside the "
                    "raw folder: not read"
                )
        return self.path


@dataclass(frozen=True, slots=True)
class IgnoredFile:
    path: Path
    reason: str

    def __str__(self) -> str:
        return f"{shown(self.path)}: {self.reason}"


def discover(raw_dir: Path) -> tuple[list[DocumentFile], list[IgnoredFile]]:
    """Every document file under a year folder, sorted; anything else is listed as ignored.

    Raises RawFolderError when the raw folder itself cannot be listed."""
    root = Path(os.path.realpath(raw_dir))
    documents: list[DocumentFile] = []
    ignored: list[IgnoredFile] = []
    try:
        top = _entries(raw_dir)
    except OSError as error:
        raise RawFolderError(
            f"the raw folder {shown(raw_dir)} cannot be listed: {error.strerror or error}"
        ) from None
    for entry in top:
        problem = _link_problem(entry, root) or _name_problem(entry)
        if problem:
            ignored.append(IgnoredFile(entry, problem))
            continue
        if not (_is_dir(entry) and _YEAR_FOLDER.match(entry.name)):
            ignored.append(IgnoredFile(entry, "not a <year> folder (documents go in raw/<year>/)"))
            continue
        try:
            files = _entries(entry)
        except OSError as error:
            ignored.append(
                IgnoredFile(
                    entry,
                    f"the folder cannot be listed "
                    f"({error.strerror or error}): its documents are "
                    "not built",
                )
            )
            continue
        for path in files:
            problem = _link_problem(path, root) or _name_problem(path)
            if problem:
                ignored.append(IgnoredFile(path, problem))
            elif _is_dir(path):
                ignored.append(
                    IgnoredFile(
                        path, "a sub-folder of a year folder (documents go directly in raw/<year>/)"
                    )
                )
            elif not _is_regular_file(path):
                ignored.append(IgnoredFile(path, "not a regular file"))
            else:
                document_id = f"{entry.name}/{path.name}"
                documents.append(DocumentFile(document_id, path, int(entry.name), root))
    return documents, ignored


def _entries(folder: Path) -> list[Path]:
    """The folder's entries, hidden ones (.DS_Store, editors' swap files) left out, sorted."""
    with os.scandir(folder) as listing:
        return sorted(folder / entry.name for entry in listing if not entry.name.startswith("."))


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a link cannot be followed, or None for a link inside the raw folder and a non-link."""
    if not path.is_symlink():
        return None
    try:
        target = path.resolve(strict=True)
    except RuntimeError:  # Python 3.11-3.12 report a loop this way, 3.13 as OSError(ELOOP)
        return "a symbolic link that loops: not followed"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "a symbolic link that loops: not followed"
        return f"a symbolic link to {shown(os.readlink(path))}, which does not exist"
    if not target.is_relative_to(root):
        return (
            f"a symbolic link to {shown(target)}, outside the raw folder: not followed "
            "(nothing outside the raw folder is read)"
        )
    return None


def _name_problem(path: Path) -> str | None:
    try:
        path.name.encode("utf-8")
    except UnicodeEncodeError:
        return "the name is not valid UTF-8: rename the file (documents are named in UTF-8)"
    if "..." in path.name or any(unicodedata.category(ch) == "Cc" for ch in path.name):
        # Dagster refuses both in partition keys, and a control character would reach every
        # mart that names the document.
        return "the name contains '...' or a control character: rename the file"
    return None


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(path.stat().st_mode)
    except OSError:
        return False


def _is_regular_file(path: Path) -> bool:
    # A FIFO or a device would block or never end when read.
    try:
        return stat.S_ISREG(path.stat().st_mode)
    except OSError:
        return False


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    size: int
    mtime_ns: int
    sha256: str

    def as_list(self) -> list[object]:
        return [self.size, self.mtime_ns, self.sha256]


def fingerprints(
    documents: list[DocumentFile], previous: dict[str, Fingerprint]
) -> dict[str, Fingerprint]:
    """Each document's content hash; files whose size and modification time are unchanged
    keep their previous hash instead of being read again. A file that cannot be read gets an
    empty hash, so it counts as changed until it can be (the build then reports why)."""
    out: dict[str, Fingerprint] = {}
    for document in documents:
        try:
            stat_ = document.path.stat()
            known = previous.get(document.document_id)
            if known and known.size == stat_.st_size and known.mtime_ns == stat_.st_mtime_ns:
                out[document.document_id] = known
            else:
                out[document.document_id] = Fingerprint(
                    stat_.st_size, stat_.st_mtime_ns, document.sha256()
                )
        except OSError:
            out[document.document_id] = Fingerprint(-1, -1, "")
    return out
