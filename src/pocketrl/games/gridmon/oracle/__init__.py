"""The scripted expert that knows the world (uses the compiled rules)."""

from .expert import Oracle, run_oracle

__all__ = ["Oracle", "run_oracle"]
