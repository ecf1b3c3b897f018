"""Trained models with a model card each (``models/artifacts/<name>.md``). ``load(name)`` returns the model,
or None when it has not been trained yet (callers then fall back to rules)."""
from __future__ import annotations

import importlib
from functools import lru_cache


@lru_cache(maxsize=None)
def load(name: str):
    """Load a trained model by name: ``load("factors")`` → models.factors.FactorModel or None."""
    module = importlib.import_module(f"models.{name}")
    return module.load()
