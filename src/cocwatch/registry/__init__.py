"""The registry package: every hand-written YAML file cocwatch reads or changes.

One way in for each job, used by the CLI, the config file and the correspondence log alike:

- `load_registry` opens a registry (a path or an http(s) URL) as `LoadedRegistry`, for a URL
  through the download cache (`remote`, `cocwatch.cache.downloads`);
- `migrate` moves the official figures an old registry file holds into the statistics folder
  beside it (`cocwatch.statistics`, which adds them to the registry every command assesses);
- `read_text`/`read_bytes` read any user's file within the size cap (`reading`);
- `parse_yaml` is the strict loader with located syntax errors (`yaml_loader`), and
  `validate_document` validates a small file against its model (`documents`), locating every
  problem by line and column (`locate`);
- `edit.change_registry`/`change_document` carry out changes (plain values from
  `cocwatch.core.edits`) on the file's text, atomically and under a lock (`edit`,
  `text_edit`, `text_layout`, `yaml_emit`); `own` makes a registry of one's own (`init`),
  `correspondence` reads and appends to the correspondence log.

May import the core, the sources, the cache package and cocwatch's errors, files and
locations; never the CLI or the renderers. Importing this package loads PyYAML; pydantic and
httpx load only when used.
"""

from __future__ import annotations

from cocwatch.registry.documents import Document, validate_document
from cocwatch.registry.load import (
    LoadedRegistry,
    load_registry,
    parse_registry,
    parse_registry_bytes,
)
from cocwatch.registry.reading import (
    ENV_MAX_REGISTRY_MB,
    MAX_REGISTRY_MB,
    decode_text,
    max_file_bytes,
    read_bytes,
    read_text,
)
from cocwatch.registry.yaml_loader import parse_yaml

__all__ = [
    "ENV_MAX_REGISTRY_MB",
    "MAX_REGISTRY_MB",
    "Document",
    "LoadedRegistry",
    "decode_text",
    "load_registry",
    "max_file_bytes",
    "parse_registry",
    "parse_registry_bytes",
    "parse_yaml",
    "read_bytes",
    "read_text",
    "validate_document",
]
