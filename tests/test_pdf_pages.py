"""The PDFs keep their pages: the same count, size and text on every page as before they were made faster."""
import json

import pytest

from tests import pdf_pages_fixture as fixture

BEFORE = json.loads(fixture.SNAPSHOT.read_text())


@pytest.mark.parametrize("name, together", [("draf", True), ("kop", True), ("pendek", True), ("pendek", False)])
def test_the_list_and_decree_pdfs_have_the_same_pages_with_the_same_text_as_before(name, together):
    doc = fixture.document(**fixture.DOCUMENTS[name])
    after = {file: fixture.pages(pdf) for file, pdf in fixture.files(doc, together).items()}
    assert sorted(after) == sorted(BEFORE[name])
    for file, pages in BEFORE[name].items():
        assert len(after[file]) == len(pages), file
        for number, (old, new) in enumerate(zip(pages, after[file]), start=1):
            assert new == old, f"{file} halaman {number}"
