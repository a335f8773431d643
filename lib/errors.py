"""One exception family for everything a user may be told about.

Every subclass carries a message in Bahasa Indonesia that pages and the CLI show as is.
"""
from __future__ import annotations


class SidipError(Exception):
    """Base of all SIDIP errors; ``str(err)`` is the Indonesian message for the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(SidipError):
    """Input that breaks a domain rule; ``fields`` maps field name -> message for inline display."""

    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields = dict(fields)
        summary = message or "Periksa kembali isian berikut: " + "; ".join(
            f"{msg}" for msg in self.fields.values()
        )
        super().__init__(summary)


class PermissionDenied(SidipError):
    """The actor's roles do not allow the action."""


class WorkflowError(SidipError):
    """The action is not allowed in the record's current state."""


class ConflictError(SidipError):
    """Someone else changed the record after it was read (stale revision)."""


class NotFound(SidipError):
    """The record does not exist (or not in this office)."""


class AuthError(SidipError):
    """Login, setup code or session token refused."""


def stale_error(what: str, by: str, at: str) -> ConflictError:
    """The same words on every register: who changed the record, and when."""
    when = at.replace("T", " ")[:16] + " UTC" if at else "waktu tidak diketahui"
    err = ConflictError(f"{what} ini sudah diubah oleh {by or 'pengguna lain'} pada {when} "
                        "setelah Anda membukanya. Isian Anda masih di formulir: muat ulang data "
                        "terbaru, lalu simpan lagi.")
    err.changed_by, err.changed_at = by, at
    return err


class ConfigError(SidipError):
    """The deployment's configuration (keys, secrets, backend) is unusable; said at start."""


class StorageFull(SidipError):
    """The disk (or the register) is full or failing: nothing was changed, free space and retry."""
