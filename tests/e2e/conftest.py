"""Shared fixtures: where the binaries are, temp dirs, free loopback ports."""
import os
import pathlib
import socket

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("SLUICE_BUILD", ROOT / "build"))


def binary(name):
    path = BUILD / name
    if not path.exists():
        raise RuntimeError(f"{path} is missing: build first (scripts/test.sh does)")
    return str(path)


@pytest.fixture
def sluice_keygen():
    return binary("sluice-keygen")


@pytest.fixture
def sluice():
    return binary("sluice")


@pytest.fixture
def sluiced():
    return binary("sluiced")


def free_port(host="127.0.0.1"):
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host, 0))
        return s.getsockname()[1]
