"""The office's letterhead (kop surat): an uploaded PNG or JPEG printed atop the decree."""
from __future__ import annotations

import hashlib
import io
from pathlib import Path

from lib.domain.models import Actor
from lib.errors import ValidationError
from lib.files import PRIVATE_DIR, PRIVATE_FILE, make_dir, write_atomic
from lib.services.context import AppContext, require_role

MAX_BYTES = 2 * 1024 * 1024
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg"}
_INVALID = "Unggah gambar kop surat berformat PNG atau JPEG, paling besar 2 MB."


def _folder(ctx: AppContext) -> Path:
    return Path(ctx.data_dir) / "kop"


def image_format(content: bytes) -> str:
    """'PNG' or 'JPEG' when the bytes really are such an image (read by Pillow, not by the file name)."""
    from PIL import Image, UnidentifiedImageError
    if not content or len(content) > MAX_BYTES:
        raise ValidationError({"kop": _INVALID})
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(content)) as image:  # verify() leaves the image unusable; decode it whole
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError({"kop": _INVALID}) from None
    if kind not in _EXTENSIONS:
        raise ValidationError({"kop": _INVALID})
    return kind


def save(ctx: AppContext, actor: Actor, content: bytes) -> str:
    """Keeps the image in the data folder and records its name and checksum as a setting."""
    require_role(ctx, actor, "admin")
    name = f"kop-surat.{_EXTENSIONS[image_format(content)]}"
    folder = make_dir(_folder(ctx), PRIVATE_DIR)
    write_atomic(folder / name, content, PRIVATE_FILE, what="kop surat")  # a failed write keeps the old one whole
    _record(ctx, actor, f"{name} sha256:{hashlib.sha256(content).hexdigest()}")
    return name


def remove(ctx: AppContext, actor: Actor) -> None:
    require_role(ctx, actor, "admin")
    _record(ctx, actor, "")


def _record(ctx: AppContext, actor: Actor, value: str) -> None:
    before = ctx.settings()["letterhead"]
    event = ctx.event(actor, "pengaturan_diubah", "settings", ctx.office_id,
                      before={"letterhead": before}, after={"letterhead": value})
    ctx.register.save_settings(ctx.office_id, {"letterhead": value}, event)


def read(ctx: AppContext) -> bytes | None:
    """The image named by the setting, if it is still in the data folder."""
    name = ctx.settings()["letterhead"].split(" ")[0]
    if name not in {f"kop-surat.{ext}" for ext in _EXTENSIONS.values()}:  # never a path typed into the register
        return None
    path = _folder(ctx) / name
    return path.read_bytes() if path.is_file() else None
