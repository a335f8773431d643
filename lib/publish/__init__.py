"""Publish targets, registered by name like the exporters."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Published:
    url: str
    files: list[str]
    checksums: dict[str, str]


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    publish: Callable[..., Published]  # (files: dict[name, bytes], slug: str, settings) -> Published


TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    TARGETS[target.name] = target
    return target


def _load_builtins() -> None:
    from lib.publish import folder  # noqa: F401


_load_builtins()
