"""Read-path cache for the pages: answers reused across runs until the register changes."""
from __future__ import annotations

import streamlit as st

from lib.domain.models import Actor
from lib.services.context import AppContext


def cached(fn, context: AppContext, actor: Actor | None, *args, then=None, revision: str | None = None):
    """``fn(context, actor, *args)``, computed once per register revision and reused by later runs.

    The key holds the register's revision (a write, here or elsewhere, changes it), the office, the date
    in the office's time zone (deadlines move at midnight) and the whole actor (username, roles, unit):
    an answer is only ever served to the user it was computed for, never stale after a write. Results are
    shared between runs without copying: callers must not mutate them. ``then`` (a presenter such as
    ``views.item_rows``) is applied to the answer and cached too. ``revision``: the state the answer depends
    on when it reads more than the context's office (a roll-up: every office below; ``rollup.revision``)."""
    if then is not None:
        return cached(_presented, context, actor, then, fn, revision, *args, revision=revision)
    revision = context.register.revision(context.office_id) if revision is None else revision
    if not revision:
        return fn(context, actor, *args)
    scope = None if actor is None else (actor.username, tuple(sorted(actor.roles)), actor.unit, actor.office_id)
    key = (_name(fn), context.office_id, revision, context.today().isoformat(), scope,
           repr(tuple(_name(a) if callable(a) else a for a in args)))
    return _memo(key, fn, context, actor, args)


def published(context: AppContext):
    """The public list (no login, the same for everyone), read once per register revision."""
    return cached(_latest_published, context, None)


def _latest_published(context: AppContext, _actor):
    from lib.services import publishing
    return publishing.latest_published(context)


def _name(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _presented(context: AppContext, actor: Actor | None, then, fn, revision, *args):
    return then(cached(fn, context, actor, *args, revision=revision))


# Bounded: an entry of a 100,000-item office holds its whole prepared dashboard; an older revision's
# entries are never asked for again and leave by count or age.
@st.cache_resource(show_spinner=False, max_entries=32, ttl=600)
def _memo(key: tuple, _fn, _context, _actor, _args):
    return _fn(_context, _actor, *_args)
