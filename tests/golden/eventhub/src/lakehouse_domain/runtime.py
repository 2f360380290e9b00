"""Where a run reads and writes: local folders (embedded Spark) or Unity Catalog (Databricks)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import domain, naming


@dataclass(frozen=True)
class Runtime:
    """``target`` is ``local`` (Delta folders under ``root``) or ``databricks`` (the
    environment's Unity Catalog catalog)."""

    target: str
    environment: str = "local"
    root: Path = Path("build/local")

    def __post_init__(self):
        if self.target not in ("local", "databricks"):
            raise ValueError(f"target {self.target!r} must be 'local' or 'databricks'")
        if self.target == "databricks" and self.environment not in domain.ENVIRONMENTS:
            allowed = ", ".join(domain.ENVIRONMENTS)
            raise ValueError(f"environment {self.environment!r} must be one of {allowed}")

    @property
    def catalog(self) -> str:
        return naming.catalog_name(domain.DOMAIN, self.environment)

    @property
    def is_local(self) -> bool:
        return self.target == "local"

    def table(self, layer: str, name: str) -> str:
        """A local Delta folder or a three-level Unity Catalog name."""
        if layer not in naming.LAYERS:
            raise ValueError(f"layer {layer!r} must be one of {', '.join(naming.LAYERS)}")
        if self.is_local:
            return str(self.root / layer / name)
        return naming.table_name(domain.DOMAIN, self.environment, layer, name)

    def _volume_folder(self, volume: str, folder: str) -> Path:
        if self.is_local:
            return self.root / volume / folder
        return Path(naming.volume_folder(domain.DOMAIN, self.environment, volume, folder))

    def landing(self, dataset: str) -> Path:
        """Where a dataset's files (or recorded Event Hubs envelopes) arrive."""
        return self._volume_folder("landing", dataset)

    def checkpoints(self, dataset: str) -> Path:
        """Stream checkpoints and the silver progress marker of a dataset."""
        return self._volume_folder("checkpoints", dataset)
