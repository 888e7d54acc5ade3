"""What a running server needs to know: where it listens, who may call it, and what it reads and writes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class WebConfig:
    """Settings of one `runstrong serve` process (the CLI builds it; tests build their own)."""

    host: str = "127.0.0.1"
    port: int = 8765
    token: str | None = None  # bearer token; required when host is not loopback
    rules_dir: Path | None = None  # None: the bundled rule set
    knowledge_dir: Path | None = None  # None: the bundled knowledge base
    audit_log: Path | None = None  # decisions and CDS Hooks feedback are appended here when set
    db_path: Path | None = None  # the athlete-history database, when there is one
    max_request_bytes: int = 1_000_000

    @property
    def base_url(self) -> str:
        """The address pages and CDS cards link to."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS
