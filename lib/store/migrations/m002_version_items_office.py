"""Schema 2: the rows of a frozen DIP version carry their office, like every other table.

Row-level security keyed on the office needs the office on every row; a version's rows take it from
their version (a trigger), so no writer has to supply it and the row's MAC does not change.
"""
NUMBER = 2
TITLE = "kode kantor pada baris versi DIP"

SQLITE = (
    "ALTER TABLE version_items ADD COLUMN office_id TEXT",
    "UPDATE version_items SET office_id = (SELECT office_id FROM versions WHERE versions.id = version_items.version_id)",
    ("CREATE TRIGGER version_items_office AFTER INSERT ON version_items FOR EACH ROW WHEN NEW.office_id IS NULL "
     "BEGIN UPDATE version_items SET office_id = (SELECT office_id FROM versions WHERE id = NEW.version_id) "
     "WHERE rowid = NEW.rowid; END"),
    "CREATE INDEX version_items_office ON version_items (office_id)",
)

POSTGRES = (
    'ALTER TABLE version_items ADD COLUMN office_id TEXT COLLATE "C"',
    "UPDATE version_items SET office_id = versions.office_id FROM versions WHERE versions.id = version_items.version_id",
    ("CREATE FUNCTION sidip_version_items_office() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
     "IF NEW.office_id IS NULL THEN SELECT office_id INTO NEW.office_id FROM versions WHERE id = NEW.version_id; "
     "END IF; RETURN NEW; END $$"),
    ("CREATE TRIGGER version_items_office BEFORE INSERT ON version_items FOR EACH ROW "
     "EXECUTE FUNCTION sidip_version_items_office()"),
    "CREATE INDEX version_items_office ON version_items (office_id)",
)
