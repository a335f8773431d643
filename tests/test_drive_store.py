"""The Google Drive file store against the local Drive v3 emulator, over real HTTP on 127.0.0.1."""
import hashlib

import pytest

from lib.errors import SidipError
from lib.store.drivestore import DriveFileStore, DriveRetry, DriveUnavailable
from tests.drive_emulator import FOLDER, DriveEmulator
from tests.sheets_emulator import forwarding_session

PDF = b"%PDF-1.4\n" + b"isi laporan keuangan\n" * 40 + b"%%EOF\n"
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def emu():
    return DriveEmulator()


@pytest.fixture
def port(emu):
    with emu.serve() as port:
        yield port


@pytest.fixture
def waits():
    return []


def make_store(port, waits, **kw):
    return DriveFileStore(forwarding_session(port), retry=DriveRetry(sleep=waits.append), **kw)


@pytest.fixture
def store(port, waits):
    return make_store(port, waits)


def folders(emu):
    return {f["name"]: f for f in emu.files.values() if f["mimeType"] == FOLDER}


def uploaded(emu):
    return [f for f in emu.files.values() if f["mimeType"] != FOLDER]


def test_a_stored_file_reads_back_from_an_office_folder_inside_the_sidip_folder(emu, store):
    ref = store.put("kpu-sarolangun", PDF, SHA)
    assert store.get(ref) == PDF
    assert emu.content(ref) == PDF
    made = folders(emu)
    assert set(made) == {"SIDIP berkas", "kpu-sarolangun"}
    assert made["kpu-sarolangun"]["parents"] == [made["SIDIP berkas"]["id"]]
    [record] = uploaded(emu)
    assert (record["name"], record["parents"], record["appProperties"], record["description"]) == (
        SHA, [made["kpu-sarolangun"]["id"]], {"sidip_sha256": SHA, "sidip_office": "kpu-sarolangun"},
        f"SIDIP sha256:{SHA}")


def test_storing_the_same_bytes_twice_keeps_one_file_and_uploads_nothing_the_second_time(emu, store):
    first = store.put("kpu-sarolangun", PDF, SHA)
    emu.calls.clear()
    assert store.put("kpu-sarolangun", PDF, SHA) == first
    assert len(uploaded(emu)) == 1
    assert emu.calls == [("GET", "files.list")]  # folders are remembered; the hash lookup finds the file


def test_a_new_store_finds_the_folders_and_the_file_an_earlier_process_made(emu, store, port, waits):
    ref = store.put("kpu-sarolangun", PDF, SHA)
    again = make_store(port, waits)
    assert again.put("kpu-sarolangun", PDF, SHA) == ref
    assert (len(folders(emu)), len(uploaded(emu))) == (2, 1)


def test_a_large_file_goes_up_in_resumable_chunks_and_arrives_whole(emu, port, waits):
    store = make_store(port, waits, chunk=256 * 1024, multipart_limit=300 * 1024)
    data = bytes(range(256)) * 4000  # 1,024,000 bytes: four chunks
    ref = store.put("kpu-sarolangun", data, hashlib.sha256(data).hexdigest())
    assert emu.content(ref) == data
    kinds = [kind for _, kind in emu.calls]
    assert kinds.count("upload.start") == 1 and kinds.count("upload.chunk") == 4
    assert "upload.multipart" not in kinds


def test_a_resumable_upload_cut_by_a_server_error_asks_what_arrived_and_goes_on(emu, port, waits):
    store = make_store(port, waits, chunk=256 * 1024, multipart_limit=0)
    data = b"x" * (600 * 1024)
    emu.fail_next("upload.chunk", 503)  # the first chunk is lost
    ref = store.put("kpu-sarolangun", data, hashlib.sha256(data).hexdigest())
    assert emu.content(ref) == data
    assert [kind for _, kind in emu.calls].count("upload.chunk") == 5  # lost, status query, 3 chunks
    assert len(waits) == 1


def test_an_upload_whose_answer_was_lost_is_not_stored_twice(emu, store):
    emu.fail_next("upload.multipart", 503, applied=True)  # Drive stored it; the answer never came
    ref = store.put("kpu-sarolangun", PDF, SHA)
    [record] = uploaded(emu)
    assert record["id"] == ref
    assert [kind for _, kind in emu.calls].count("upload.multipart") == 1


def test_rate_limits_are_waited_out_with_growing_delays(emu, store, waits):
    emu.fail_next("files.list", 429, count=2)
    emu.fail_next("upload.multipart", 403, reason="userRateLimitExceeded")
    ref = store.put("kpu-sarolangun", PDF, SHA)
    assert store.get(ref) == PDF
    assert len(waits) == 3
    assert 1 <= waits[0] < 2 and 2 <= waits[1] < 3  # 2^n seconds plus up to a second of jitter


def test_a_lasting_rate_limit_ends_in_an_indonesian_message_after_five_tries(emu, store, waits):
    emu.fail_next("files.list", 429, count=99)
    with pytest.raises(DriveUnavailable, match="membatasi permintaan"):
        store.put("kpu-sarolangun", PDF, SHA)
    assert emu.calls == [("GET", "files.list")] * 5
    assert len(waits) == 4


def test_a_refused_permission_is_not_retried(emu, store, waits):
    emu.fail_next("files.list", 403, reason="insufficientFilePermissions")
    with pytest.raises(DriveUnavailable, match="tidak punya akses"):
        store.put("kpu-sarolangun", PDF, SHA)
    assert (len(emu.calls), waits) == (1, [])


def test_a_chosen_folder_holds_the_office_folder_and_no_sidip_folder_is_made(emu, port, waits):
    shared = emu.add_file("Berkas PPID", None, mimeType=FOLDER)
    store = make_store(port, waits, folder_id=shared)
    ref = store.put("kpu-sarolangun", PDF, SHA)
    office = emu.files[emu.files[ref]["parents"][0]]
    assert (office["name"], office["parents"]) == ("kpu-sarolangun", [shared])
    assert "SIDIP berkas" not in folders(emu)
    assert "Google Drive, folder " + shared == store.describe()


def test_a_chosen_folder_that_does_not_exist_is_named_in_the_message(emu, port, waits):
    store = make_store(port, waits, folder_id="tidakAda123")
    with pytest.raises(DriveUnavailable, match="SIDIP_DRIVE_FOLDER_ID"):
        store.put("kpu-sarolangun", PDF, SHA)
    assert uploaded(emu) == []


def test_a_file_deleted_or_trashed_in_drive_no_longer_exists_and_reads_as_a_clear_error(emu, store):
    ref = store.put("kpu-sarolangun", PDF, SHA)
    assert store.exists(ref)
    emu.files[ref]["trashed"] = True
    assert not store.exists(ref)
    del emu.files[ref]
    with pytest.raises(SidipError, match="tidak ada di Google Drive"):
        store.get(ref)
    assert not store.exists(ref)


def test_the_hash_google_computed_shows_bytes_replaced_in_drive(emu, store):
    ref = store.put("kpu-sarolangun", PDF, SHA)
    assert store.content_sha256(ref) == SHA
    emu.corrupt(ref, b"diganti orang di Drive")
    assert store.content_sha256(ref) == hashlib.sha256(b"diganti orang di Drive").hexdigest()


def test_bytes_that_do_not_match_their_hash_are_refused_before_any_request(emu, store):
    with pytest.raises(SidipError, match="tidak cocok"):
        store.put("kpu-sarolangun", PDF, "0" * 64)
    assert emu.calls == []


@pytest.mark.parametrize("ref", ["../etc/passwd", "a/b", "", "x" * 300, "id?alt=media"])
def test_a_reference_that_is_not_a_drive_id_is_refused_without_a_request(emu, store, ref):
    with pytest.raises(SidipError, match="tidak sah"):
        store.get(ref)
    assert not store.exists(ref)
    assert emu.calls == []


def test_the_emulator_refuses_a_query_it_does_not_know_and_a_call_it_does_not_emulate(port):
    session = forwarding_session(port)
    bad = session.get("https://www.googleapis.com/drive/v3/files", params={"q": "fullText contains 'x'"})
    assert (bad.status_code, bad.json()["error"]["errors"][0]["location"]) == (400, "q")
    gone = session.delete("https://www.googleapis.com/drive/v3/files/abc")
    assert gone.status_code == 501


def test_the_emulator_pages_a_long_listing(emu, port, waits):
    small = DriveEmulator(page_size=2)
    with small.serve() as other:
        store = make_store(other, waits)
        blobs = [bytes([n]) * 10 for n in range(5)]
        refs = [store.put("kpu-sarolangun", b, hashlib.sha256(b).hexdigest()) for b in blobs]
        assert [store.put("kpu-sarolangun", b, hashlib.sha256(b).hexdigest()) for b in blobs] == refs


def test_a_sheets_register_keeps_its_files_in_drive_through_its_own_authorised_session(emu, port, monkeypatch):
    import gspread
    from lib.bootstrap import drive_files
    from lib.domain.audit import EventSigner
    from lib.store.sheets import SheetsRegister
    key = b"k" * 32
    client = gspread.Client(auth=None, session=forwarding_session(port))
    shared = emu.add_file("Drive bersama PPID", None, mimeType=FOLDER)
    monkeypatch.setenv("SIDIP_DRIVE_FOLDER_ID", shared)
    store = drive_files(SheetsRegister(client, "sheet-id", EventSigner(key), key))
    assert store.session is client.http_client.session
    ref = store.put("kpu-sarolangun", PDF, SHA)
    assert emu.files[emu.files[ref]["parents"][0]]["parents"] == [shared]


def test_an_expired_upload_session_starts_the_upload_again_and_stores_one_file(emu, port, waits):
    store = make_store(port, waits, chunk=256 * 1024, multipart_limit=0)
    data = b"y" * (300 * 1024)
    emu.fail_next("upload.chunk", 404)
    ref = store.put("kpu-sarolangun", data, hashlib.sha256(data).hexdigest())
    assert emu.content(ref) == data
    assert [kind for _, kind in emu.calls].count("upload.start") == 2
    assert len(uploaded(emu)) == 1


def test_when_two_processes_each_made_the_office_folder_every_store_uses_the_older(emu, port, waits):
    root = emu.add_file("SIDIP berkas", None, mimeType=FOLDER)
    older = emu.add_file("kpu-sarolangun", None, parents=[root], mimeType=FOLDER)
    emu.add_file("kpu-sarolangun", None, parents=[root], mimeType=FOLDER)  # the loser of a race
    refs = {make_store(port, waits).put("kpu-sarolangun", PDF, SHA) for _ in range(2)}
    assert len(refs) == 1 and emu.files[refs.pop()]["parents"] == [older]
    assert len(uploaded(emu)) == 1
