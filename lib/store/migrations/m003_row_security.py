"""Schema 3: on PostgreSQL every table of office data is guarded by row-level security keyed on the office.

Each transaction states the offices it may read and write (``sidip.read`` / ``sidip.write``, set by the
register: lib/store/pg_schema.set_scope); a row of any other office is invisible to it and cannot be
written, so a query in code that forgets its office still cannot reach another office's rows. "*" is the
deployment as a whole (migrations, login, the office tree, the CLI). A connection that states nothing
sees nothing. FORCE applies the policies to the tables' owner too; a superuser (or a BYPASSRLS role)
is never subject to them, so SIDIP connects as an ordinary role (README: Banyak kantor). SQLite holds
one office per file: nothing to do there.
"""
NUMBER = 3
TITLE = "keamanan tingkat baris per kantor (PostgreSQL)"

TABLES = ("settings", "holidays", "users", "items", "versions", "version_items", "attachments", "events")

SQLITE: tuple[str, ...] = ()

_FUNCTIONS = (
    ("CREATE OR REPLACE FUNCTION sidip_all(setting text) RETURNS boolean LANGUAGE sql STABLE AS $$ "
     "SELECT coalesce(current_setting(setting, true), '') = '*' $$"),
    ("CREATE OR REPLACE FUNCTION sidip_set(setting text) RETURNS text[] LANGUAGE sql STABLE AS $$ "
     "SELECT coalesce(string_to_array(nullif(current_setting(setting, true), ''), ','), '{}') $$"),
)


def _may(setting: str) -> str:
    """Evaluated once per statement, not once per row: "all offices" is a scalar subquery (an InitPlan) and the
    set of offices a hashed subplan, so checking a row costs one hash lookup however many offices the view
    reads (a national roll-up reads 552 offices' rows; a list compared row by row took seconds)."""
    return f"((SELECT sidip_all('{setting}')) OR office_id IN (SELECT unnest(sidip_set('{setting}'))))"


def _policies(table: str) -> tuple[str, ...]:
    read, write = _may("sidip.read"), _may("sidip.write")
    return (f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY sidip_read ON {table} FOR SELECT USING ({read})",
            f"CREATE POLICY sidip_insert ON {table} FOR INSERT WITH CHECK ({write})",
            f"CREATE POLICY sidip_update ON {table} FOR UPDATE USING ({write}) WITH CHECK ({write})",
            f"CREATE POLICY sidip_delete ON {table} FOR DELETE USING ({write})")


POSTGRES: tuple[str, ...] = _FUNCTIONS + tuple(sql for table in TABLES for sql in _policies(table))
