"""Exception hierarchy for sharing-audit.

Only configuration and usage problems are exceptions; findings are returned values.
Analysis failures of a single input (a SQL file that does not parse) are reported as
``analysis.*`` errors in the run result so that other files are still checked.

::

    SharingAuditError
    ├── PolicyError        policies/ cannot be loaded or is invalid
    ├── CatalogError       the catalog is inconsistent
    ├── CheckError         checks/ manifests cannot be loaded or match nothing
    ├── LineageError       one SQL input cannot be analysed (carries an analysis code)
    ├── ScanError          one export file cannot be scanned
    └── UsageError         bad command-line use
"""

from __future__ import annotations


class SharingAuditError(Exception):
    """Base class of every error the tool raises on purpose.

    Attributes:
        path: the file the error is about, if any.
        line: 1-based line in ``path``, if known.
        column: 1-based column in ``path``, if known.
    """

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = self.path
            if self.line:
                where += f":{self.line}"
                if self.column:
                    where += f":{self.column}"
            where += ": "
        return f"{where}{self.message}"


class PolicyError(SharingAuditError):
    """The policy set cannot be loaded or is invalid."""


class CatalogError(SharingAuditError):
    """The catalog of systems, tables and columns is inconsistent."""


class CheckError(SharingAuditError):
    """A checks/ manifest is invalid, or it matches no input."""


class LineageError(SharingAuditError):
    """One SQL input cannot be analysed; ``code`` is the stable ``analysis.*`` name."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line, column=column)
        self.code = code


class ScanError(SharingAuditError):
    """One export file cannot be scanned; ``code`` is the stable ``analysis.*`` name."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "analysis.malformed",
        path: str | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message, path=path, line=line)
        self.code = code


class UsageError(SharingAuditError):
    """The command line is wrong."""
