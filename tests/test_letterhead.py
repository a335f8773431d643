"""The office's letterhead: only a real PNG or JPEG is kept, and it is printed atop the decree."""
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from lib.errors import PermissionDenied, ValidationError
from lib.services import letterhead, publishing, versions
from tests.test_exports import DECREE, add


def image_bytes(fmt: str, size=(600, 120)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (120, 20, 20)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("content", [
    b"\x89PNG\r\n\x1a\n bukan gambar sungguhan", b"<svg xmlns='http://www.w3.org/2000/svg'/>", b"",
    image_bytes("PNG")[:200], image_bytes("GIF"), b"\xff\xd8\xff" + b"\x00" * (3 * 1024 * 1024),
])
def test_anything_but_a_whole_png_or_jpeg_is_refused(ctx, people, content):
    with pytest.raises(ValidationError) as err:
        letterhead.save(ctx, people["admin"], content)
    assert err.value.fields == {"kop": "Unggah gambar kop surat berformat PNG atau JPEG, paling besar 2 MB."}
    assert ctx.settings()["letterhead"] == "" and letterhead.read(ctx) is None


def test_only_the_admin_sets_the_letterhead(ctx, people):
    with pytest.raises(PermissionDenied):
        letterhead.save(ctx, people["ppid"], image_bytes("PNG"))


@pytest.mark.parametrize("fmt,name", [("PNG", "kop-surat.png"), ("JPEG", "kop-surat.jpg")])
def test_an_uploaded_letterhead_is_printed_atop_the_decree_until_removed(ctx, people, fmt, name):
    content = image_bytes(fmt)
    assert letterhead.save(ctx, people["admin"], content) == name
    assert ctx.settings()["letterhead"].startswith(f"{name} sha256:")
    assert ctx.register.events(ctx.office_id)[-1].after["letterhead"] == ctx.settings()["letterhead"]
    add(ctx, people, "Rencana Strategis 2025-2029")
    v = versions.create_version(ctx, people["ppid"], 2026)
    v = versions.establish(ctx, people["ppid"], v.id, DECREE, v.revision)
    pages = PdfReader(io.BytesIO(publishing.export_bytes(ctx, people["ppid"], v.id, "keputusan")[1])).pages
    assert len(pages[0].images) == 1 and all(len(p.images) == 0 for p in pages[1:])
    letterhead.remove(ctx, people["admin"])  # the established decree keeps the letterhead it was made with
    pages = PdfReader(io.BytesIO(publishing.export_bytes(ctx, people["ppid"], v.id, "keputusan")[1])).pages
    assert len(pages[0].images) == 1
    v = versions.send_back(ctx, people["atasan"], v.id, "Tanpa kop", v.revision)  # a draft reads today's settings
    pages = PdfReader(io.BytesIO(publishing.export_bytes(ctx, people["ppid"], v.id, "keputusan")[1])).pages
    assert len(pages[0].images) == 0


def test_the_letterhead_setting_is_never_typed_nor_read_as_a_path(ctx, people, tmp_path):
    from lib.services import admin
    admin.update_settings(ctx, people["admin"], {"letterhead": "../rahasia.png", "office_place": "Sarolangun"})
    assert ctx.settings()["letterhead"] == ""
    (tmp_path / "rahasia.png").write_bytes(image_bytes("PNG"))
    ctx.register.save_settings(ctx.office_id, {"letterhead": "../rahasia.png"},
                               ctx.event(people["admin"], "pengaturan_diubah", "settings", ctx.office_id))
    assert letterhead.read(ctx) is None
