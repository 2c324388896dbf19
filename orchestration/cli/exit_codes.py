"""What the command's exit status means, decided here and nowhere else."""

from enum import IntEnum


class ExitCode(IntEnum):
    PUBLISHED = 0  # every document published
    REJECTED = 1  # a document was rejected; the others still published
    USAGE = 2  # a usage or environment problem: nothing was built
