"""compose.yaml: the clusters it starts would really cover every shard, once, and sync once."""

from __future__ import annotations

from typing import Any

import yaml

from bot.settings import Settings
from tests.conftest import ROOT


def test_compose_clusters_cover_every_shard_once_and_only_sync_registers() -> None:
    services: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))[
        "services"
    ]
    assert services["sync"]["command"] == ["tensionbot", "sync"]
    clusters = {name: s for name, s in services.items() if name.startswith("cluster-")}
    assert len(clusters) == 2
    owned: list[int] = []
    counts = set()
    for service in clusters.values():
        env = {
            k: v
            for k, v in service["environment"].items()
            if k != "TENSIONBOT_DATABASE_URL"  # holds ${POSTGRES_PASSWORD}, filled in by compose
        }
        assert env["TENSIONBOT_SYNC_COMMANDS"] == "false"
        assert service["depends_on"]["sync"]["condition"] == "service_completed_successfully"
        assert service["environment"]["TENSIONBOT_DATABASE_URL"].startswith("postgresql://")
        settings = Settings(
            _env_file=None,
            **{k.removeprefix("TENSIONBOT_").lower(): v for k, v in env.items()},
        )
        assert settings.shard_ids is not None
        assert settings.shard_count is not None
        owned.extend(settings.shard_ids)
        counts.add(settings.shard_count)
    [count] = counts
    assert sorted(owned) == list(range(count))
