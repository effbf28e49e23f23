"""The HTTP layer: request parsing and response shaping only, no analysis logic."""

from .app import create_app

__all__ = ["create_app"]
