"""The demo data is legally right: the decree's number, date and year agree; exemptions cite the right ground."""
from lib.demo import fill_demo
from lib.domain.versions import pasal17_text


def test_the_demo_decree_number_date_and_year_agree_and_the_voter_data_cites_huruf_h_with_its_laws(ctx):
    fill_demo(ctx)
    [version] = ctx.register.list_versions(ctx.office_id)
    decree = version.decree
    assert version.tahun == decree.tanggal.year and decree.nomor == f"01/PPID/KPU-SRL/{version.tahun}"
    [exempt] = [r for r in ctx.register.snapshot(version.id) if r.kategori == "dikecualikan"]
    assert pasal17_text(exempt.data) == (
        "Pasal 17 huruf h angka 1 UU 14/2008 jo. Undang-Undang Nomor 27 Tahun 2022 tentang Pelindungan Data "
        "Pribadi dan Undang-Undang Nomor 24 Tahun 2013 tentang Perubahan atas Undang-Undang Nomor 23 Tahun 2006 "
        "tentang Administrasi Kependudukan")
    assert exempt.data["pengecualian_permanen"] and ctx.settings()["ppid_name"] == "Rina Marlina"


def test_the_demo_attaches_a_softcopy_pdf_to_every_item_including_the_exempt_one_and_freezes_it(ctx):
    from lib.services import attachments
    from lib.services.context import SYSTEM_ACTOR
    fill_demo(ctx)
    held = attachments.current_by_item(ctx)
    every = ctx.register.list_items(ctx.office_id)
    assert len(every) == 9 and {i.id for i in every} == set(held)
    for item in every:
        [att] = held[item.id]
        data = attachments.read(ctx, SYSTEM_ACTOR, att.id)
        assert data.startswith(b"%PDF-") and att.media_type == "application/pdf" and att.filename.endswith(".pdf")
    [version] = ctx.register.list_versions(ctx.office_id)
    snapshot = ctx.register.snapshot(version.id)
    [exempt] = [r for r in snapshot if r.kategori == "dikecualikan"]
    assert exempt.data["berkas"] == [held[exempt.item_id][0].frozen()]
    assert all(len(r.data["berkas"]) == 1 for r in snapshot) and len(snapshot) == 4
