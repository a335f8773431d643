"""Publish targets, registered by name like the exporters.

A target takes the files of one version and a slug (the version id), puts them where the public
can read them without ever showing a mix of old and new files (new folder first, switch last),
and says where they are. It must be safe to run again for the same slug.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable


@dataclass(frozen=True)
class Published:
    url: str
    files: list[str]
    checksums: dict[str, str]                       # file name -> SHA-256 hex
    sizes: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    # (files: {name: bytes}, slug: str, config: {key: str}, progress: callable(float, str) | None)
    publish: Callable[..., Published]


TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    TARGETS[target.name] = target
    return target


def describe(files: dict[str, bytes], url: str) -> Published:
    """What every target records: names, sizes and SHA-256 checksums of what it published."""
    return Published(url, sorted(files), {n: hashlib.sha256(b).hexdigest() for n, b in files.items()},
                     {n: len(b) for n, b in files.items()})


def _load_builtins() -> None:
    from lib.publish import folder, manual, sftp  # noqa: F401


_load_builtins()
