"""One secret key for the app and the CLI, from one place, and never a weak or example one."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib import bootstrap
from lib.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
STRONG = "3c5e7a9b1d2f4860" * 4  # 64 hexadecimal characters: 32 random bytes


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A working folder of its own: its .streamlit/secrets.toml is the one Streamlit would read."""
    monkeypatch.delenv("SIDIP_SECRET_KEY", raising=False)
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    return tmp_path


def test_the_environment_wins_then_the_secrets_file_then_the_key_file(workdir, monkeypatch):
    made = bootstrap.resolve_secret_key(workdir / "data")
    assert (made.source, len(made.value)) == (f"berkas {workdir / 'data' / 'secret.key'}", 64)
    assert oct((workdir / "data" / "secret.key").stat().st_mode & 0o777) == "0o600"
    (workdir / ".streamlit" / "secrets.toml").write_text(f'SIDIP_SECRET_KEY = "{STRONG}"\n')
    from_file = bootstrap.resolve_secret_key(workdir / "data")
    assert (from_file.value, from_file.source) == (STRONG.encode(), ".streamlit/secrets.toml (SIDIP_SECRET_KEY)")
    monkeypatch.setenv("SIDIP_SECRET_KEY", "a1b2c3d4e5f60789" * 4)
    assert bootstrap.resolve_secret_key(workdir / "data").source == "variabel lingkungan SIDIP_SECRET_KEY"


@pytest.mark.parametrize("key,words", [
    (bootstrap.EXAMPLE_KEY, "masih contoh dari secrets.toml.example"),
    ("rahasia", "terlalu lemah"),
    ("ab" * 40, "terlalu lemah"),                  # long, not random
    ("0123456789abcdef" * 3, "terlalu lemah"),     # 48 hex characters = 24 bytes
])
def test_a_weak_or_example_key_is_refused_with_a_clear_message(workdir, monkeypatch, key, words):
    monkeypatch.setenv("SIDIP_SECRET_KEY", key)
    with pytest.raises(ConfigError, match=words):
        bootstrap.build_context(workdir / "data")
    assert not (workdir / "data" / "sidip.sqlite3").exists()


def test_the_cli_signs_with_the_key_of_the_secrets_file_as_the_app_does(workdir):
    (workdir / ".streamlit" / "secrets.toml").write_text(f'SIDIP_SECRET_KEY = "{STRONG}"\n')
    env = {k: v for k, v in os.environ.items() if k != "SIDIP_SECRET_KEY"}
    env.update(SIDIP_DATA_DIR=str(workdir / "data"), PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-m", "lib.cli", "demo"], cwd=workdir, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not (workdir / "data" / "secret.key").exists()
    app_side = bootstrap.build_context(workdir / "data")  # what the app resolves from the same folder
    from lib.domain.audit import verify_chain
    assert verify_chain(app_side.register.events(app_side.office_id), app_side.signer).ok
    doctor = subprocess.run([sys.executable, "-m", "lib.cli", "doctor"], cwd=workdir, env=env,
                            capture_output=True, text=True, timeout=120)
    assert doctor.stdout.splitlines()[0] == "Kunci rahasia: .streamlit/secrets.toml (SIDIP_SECRET_KEY)"
    assert doctor.returncode == 0, doctor.stdout


def test_the_app_says_why_it_cannot_start_with_a_weak_key(tmp_path, monkeypatch):
    from streamlit.testing.v1 import AppTest
    monkeypatch.setenv("SIDIP_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SIDIP_SECRET_KEY", bootstrap.EXAMPLE_KEY)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert [e.value for e in at.error] == [
        "SIDIP tidak dapat dimulai: Kunci rahasia dari variabel lingkungan SIDIP_SECRET_KEY masih contoh dari "
        "secrets.toml.example: siapa pun yang membaca contoh itu dapat memalsukan sesi admin. "
        f"{bootstrap.NEW_KEY_HINT}"]
    assert not at.exception and not at.text_input
