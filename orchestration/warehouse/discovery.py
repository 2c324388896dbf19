"""Documents in the raw folder: `<raw_dir>/<year>/<file>`, one Dagster partition each."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

_YEAR_FOLDER = re.compile(r"^\d{4}$")
# Dagster refuses these in partition keys.
_UNUSABLE_IN_KEYS = ("...", "\a", "\b", "\f", "\n", "\r", "\t", "\v", "\0")


@dataclass(frozen=True, slots=True)
class DocumentFile:
    document_id: str  # the path relative to the raw folder, e.g. "2026/北京市人力资源和社会保障局.txt"
    path: Path
    folder_year: int

    def read(self) -> bytes:
        return self.path.read_bytes()


@dataclass(frozen=True, slots=True)
class IgnoredFile:
    path: Path
    reason: str


def discover(raw_dir: Path) -> tuple[list[DocumentFile], list[IgnoredFile]]:
    """Every document file under a year folder, sorted; anything else is listed as ignored."""
    documents: list[DocumentFile] = []
    ignored: list[IgnoredFile] = []
    for entry in sorted(raw_dir.iterdir()):
        if entry.name.startswith("."):
            continue
        if not (entry.is_dir() and _YEAR_FOLDER.match(entry.name)):
            ignored.append(IgnoredFile(entry, "not a <year> folder (documents go in raw/<year>/)"))
            continue
        for path in sorted(entry.rglob("*")):
            if path.name.startswith(".") or not path.is_file():
                continue
            document_id = path.relative_to(raw_dir).as_posix()
            if path.parent != entry:
                ignored.append(IgnoredFile(path, "in a sub-folder of a year folder"))
            elif any(bad in document_id for bad in _UNUSABLE_IN_KEYS):
                ignored.append(IgnoredFile(path, "the file name contains '...' or a control "
                                                 "character, which Dagster partition keys refuse"))
            else:
                documents.append(DocumentFile(document_id, path, int(entry.name)))
    return documents, ignored


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
    keep their previous hash instead of being read again."""
    out: dict[str, Fingerprint] = {}
    for document in documents:
        stat = document.path.stat()
        known = previous.get(document.document_id)
        if known and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns:
            out[document.document_id] = known
        else:
            out[document.document_id] = Fingerprint(
                stat.st_size, stat.st_mtime_ns, file_sha256(document.path)
            )
    return out
