"""Configuration fails loudly, naming the variable."""

import pytest

from services.kit.config import ConfigError, Env, Mode, ServiceSettings, service_addresses


def test_dev_defaults(tmp_path) -> None:
    settings = ServiceSettings.from_env("registry", {"GRIDGOV_DATA_DIR": str(tmp_path)})
    assert settings.mode is Mode.DEV
    assert settings.listen == "127.0.0.1:50061"
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    assert settings.migrate_on_start is True


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"GRIDGOV_MODE": "staging"}, "GRIDGOV_MODE must be dev or production"),
        ({"GRIDGOV_REGISTRY_LISTEN": "50061"}, "GRIDGOV_REGISTRY_LISTEN must be host:port"),
        ({"GRIDGOV_REGISTRY_DATABASE_URL": "mysql://x"}, "GRIDGOV_REGISTRY_DATABASE_URL must start with"),
        ({"GRIDGOV_MIGRATE_ON_START": "maybe"}, "GRIDGOV_MIGRATE_ON_START must be true or false"),
        ({"GRIDGOV_JOB_INTERVAL": "soon"}, "GRIDGOV_JOB_INTERVAL must be a number"),
        ({"GRIDGOV_MODE": "production"}, "GRIDGOV_REGISTRY_DATABASE_URL must be set"),
        (
            {"GRIDGOV_MODE": "production", "GRIDGOV_REGISTRY_DATABASE_URL": "postgresql+asyncpg://h/db"},
            "GRIDGOV_ACTOR_KEY must be set",
        ),
        (
            {"GRIDGOV_MODE": "production", "GRIDGOV_REGISTRY_DATABASE_URL": "postgresql+asyncpg://h/db",
             "GRIDGOV_ACTOR_KEY": "short"},
            "GRIDGOV_ACTOR_KEY must be at least 32 characters",
        ),
    ],
)
def test_bad_values_name_the_variable(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ServiceSettings.from_env("registry", environ)


def test_service_addresses() -> None:
    env = Env({"GRIDGOV_SERVICES": "registry,fire", "GRIDGOV_FIRE_ADDRESS": "fire:50063"})
    assert service_addresses(env) == {"registry": "127.0.0.1:50061", "fire": "fire:50063"}
    with pytest.raises(ConfigError, match="GRIDGOV_FORESTRY_ADDRESS must be set"):
        service_addresses(Env({"GRIDGOV_SERVICES": "forestry"}))
