"""Offices of a deployment (KPU RI → KPU Provinsi → KPU Kabupaten/Kota): the tree, new child offices and
their first administrator, and the read-only views a pemantau has of the offices below its own.

A deployment whose register holds no office with a level is a single office, as before: nothing here
changes it. The tree is read across offices (lib.store.port.Register.directory); everything else an
office holds is read through that office's own view (AppContext.for_office).
"""
from __future__ import annotations

from lib.domain import offices as tree
from lib.domain.models import Actor, User
from lib.domain.offices import LEVEL_KEY, NAME_KEY, PARENT_KEY, Office
from lib.domain.validation import clean_text
from lib.errors import NotFound, PermissionDenied, ValidationError
from lib.services.context import AppContext, require_role

MONITOR_ROLES = ("pemantau",)


def all_offices(ctx: AppContext) -> list[Office]:
    """The deployment's office tree ([] for a single-office register)."""
    return tree.from_settings(ctx.register.directory(tree.DIRECTORY_KEYS))


def is_multi_office(ctx: AppContext) -> bool:
    return bool(all_offices(ctx))


def get_office(ctx: AppContext, office_id: str) -> Office | None:
    return tree.by_id(all_offices(ctx)).get(office_id)


def own_office(ctx: AppContext, actor: Actor) -> Office | None:
    return get_office(ctx, actor.office_id)


def set_root(ctx: AppContext, actor: Actor, level: str, name: str = "") -> Office:
    """Make the deployment's own office (the one it started with) the top of a tree: KPU RI, or a KPU
    Provinsi running SIDIP for its regencies. Its name is its office_name setting (``name`` sets it)."""
    require_role(ctx, actor, "admin")
    if level not in tree.CHILD_LEVEL:
        raise ValidationError({"level": "Kantor puncak harus KPU RI atau KPU Provinsi."})
    if all_offices(ctx):
        raise ValidationError({"level": "Deployment ini sudah memiliki susunan kantor."})
    values = {LEVEL_KEY: level, **({NAME_KEY: clean_text(name), **_office_defaults(clean_text(name))}
                                   if clean_text(name) else {})}
    event = ctx.event(actor, "kantor_puncak_ditetapkan", "office", ctx.office_id, after=values)
    ctx.register.save_settings(ctx.office_id, values, event)
    return get_office(ctx, ctx.office_id)


def children(ctx: AppContext, actor: Actor) -> list[Office]:
    require_role(ctx, actor, "admin", "pemantau", "atasan", "ppid")
    return tree.children(all_offices(ctx), ctx.office_id)


def monitored(ctx: AppContext, actor: Actor) -> list[Office]:
    """Every office below the pemantau's own (children, their children …)."""
    require_role(ctx, actor, *MONITOR_ROLES)
    return tree.descendants(all_offices(ctx), ctx.office_id)


def monitor_view(ctx: AppContext, actor: Actor, office_id: str) -> AppContext:
    """A read-only view of an office below the pemantau's own: its services answer, its register (on
    PostgreSQL, the database itself) refuses every write and every row of any other office."""
    require_role(ctx, actor, *MONITOR_ROLES)
    if office_id not in {o.id for o in tree.descendants(all_offices(ctx), ctx.office_id)}:
        raise NotFound("Kantor itu tidak berada di bawah kantor Anda.")
    return ctx.for_office(office_id, monitor_from=ctx.office_id)


def monitor_views(ctx: AppContext, actor: Actor) -> list[tuple[Office, AppContext]]:
    """``monitor_view`` of every office below the pemantau's own, nearest first, the tree read once (a
    national roll-up watches 552 offices)."""
    require_role(ctx, actor, *MONITOR_ROLES)
    return [(o, ctx.for_office(o.id, monitor_from=ctx.office_id))
            for o in tree.descendants(all_offices(ctx), ctx.office_id)]


def create_child(ctx: AppContext, actor: Actor, code: str, name: str, admin_username: str,
                 admin_full_name: str, admin_password: str) -> tuple[Office, User]:
    """A new office directly under the actor's own, with its first administrator (who then sets the
    office up: units, officials, SLA, time zone, holidays, website). Recorded in both offices' logs."""
    from lib.services import auth
    require_role(ctx, actor, "admin")
    offices = all_offices(ctx)
    code, name = clean_text(code).lower(), clean_text(name)
    errors = tree.check_new(offices, ctx.office_id, code, name)
    if errors:
        raise ValidationError(errors)
    parent = tree.by_id(offices)[ctx.office_id]
    level = tree.CHILD_LEVEL[parent.level]
    child = ctx.for_office(code)
    founder = Actor(actor.username, actor.roles, actor.unit, actor.full_name, office_id=code)
    # The account first: a name taken anywhere in the deployment stops here, before the office exists.
    user = auth.create_user_in(child, founder, admin_username, admin_full_name, admin_password, ["admin"], "")
    values = {LEVEL_KEY: level, PARENT_KEY: ctx.office_id, NAME_KEY: name, **_office_defaults(name)}
    child.register.save_settings(code, values, child.event(founder, "kantor_dibuat", "office", code,
                                                           after={"nama": name, "induk": ctx.office_id,
                                                                  "tingkat": level}))
    ctx.register.append_event(ctx.event(actor, "kantor_anak_dibuat", "office", code,
                                        after={"nama": name, "admin": user.username}))
    return tree.by_id(all_offices(ctx))[code], user


def _office_defaults(name: str) -> dict[str, str]:
    """What a new office's settings say about itself until its admin fills them in: its own name, never
    the default office's."""
    place = name.split(" ", 2)[-1] if name.upper().startswith("KPU ") else name
    for word in ("Kabupaten ", "Kota ", "Provinsi "):
        place = place.removeprefix(word)
    return {"office_address": place, "office_place": place, "ppid_position": f"PPID {name}",
            "atasan_position": f"Sekretaris {name}"}


def check_can_create(ctx: AppContext, actor: Actor) -> None:
    """Only the admin of an office that has offices under it (KPU RI, KPU Provinsi) makes child offices."""
    require_role(ctx, actor, "admin")
    office = get_office(ctx, ctx.office_id)
    if office is None or office.level not in tree.CHILD_LEVEL:
        raise PermissionDenied("Kantor anak hanya dapat dibuat oleh admin KPU RI atau KPU Provinsi.")
