"""Rules as data: YAML/CSV files in this folder, with small loaders. Python only loads and applies them."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

RULES_DIR = Path(__file__).parent


@lru_cache(maxsize=None)
def load_yaml(name: str):
    """Parsed content of ``rules/<name>`` (cached: rule files do not change while a process runs)."""
    return yaml.safe_load((RULES_DIR / name).read_text(encoding="utf-8"))
