"""The `gridgov` command line: up, token, demo-data, migrate, boundaries, schema."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from services.kit.actor import ActorSigner
from services.kit.config import (
    DEFAULT_GATEWAY_PORT,
    DEFAULT_PORTS,
    ConfigError,
    Env,
    Mode,
    ServiceSettings,
    actor_key,
    data_dir,
    service_addresses,
)
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.plugin import Plugin, PluginError, load_plugins
from services.kit.tls import tls_config

if TYPE_CHECKING:
    from launcher.supervisor import Supervisor

def enabled_services(requested: str | None, env: Env) -> list[str]:
    """The services to run: --services, else GRIDGOV_SERVICES, else every installed plugin."""
    if requested:
        return [s.strip() for s in requested.split(",") if s.strip()]
    installed = list(load_plugins())
    return env.names("GRIDGOV_SERVICES", installed)


def child_environment(services: Sequence[str]) -> dict[str, str]:
    environ = dict(os.environ)
    environ["GRIDGOV_SERVICES"] = ",".join(services)
    environ.setdefault("GRIDGOV_DATA_DIR", str(data_dir(Env())))
    environ.setdefault("PYTHONUNBUFFERED", "1")
    return environ


@dataclass(frozen=True)
class Platform:
    """What `gridgov up` starts: the enabled services, their addresses and the children's environment."""

    services: list[str]
    plugins: dict[str, Plugin]
    addresses: dict[str, str]
    environ: dict[str, str]
    directory: Path
    demo_data: bool
    mode: Mode = Mode.DEV

    @property
    def gateway_listen(self) -> str:
        return self.environ.get("GRIDGOV_GATEWAY_LISTEN", f"127.0.0.1:{DEFAULT_GATEWAY_PORT}")


def check_settings(platform: Platform) -> None:
    """Reads every process's settings as it will (production: each required variable, TLS or mesh, the
    identity provider's JWKS URL); raises ConfigError naming the first that is missing or wrong, before
    anything starts.
    """
    from gateway.settings import GatewaySettings

    if platform.mode is Mode.PRODUCTION and platform.demo_data:
        raise ConfigError("--demo-data is for the embedded default: production data is real data")
    for name in platform.services:
        ServiceSettings.from_env(name, platform.environ)
    GatewaySettings.from_env(platform.environ)


def command_up(args: argparse.Namespace) -> int:
    from launcher.supervisor import Supervisor

    services = enabled_services(args.services, Env())
    environ = child_environment(services)
    os.environ.update(environ)
    platform = Platform(services, load_plugins(services), service_addresses(Env(environ)), environ,
                        Path(environ["GRIDGOV_DATA_DIR"]), args.demo_data, Env(environ).mode())
    check_settings(platform)
    supervisor = Supervisor(environ, platform.directory / "logs", tls=tls_config(Env(environ), Env(environ).mode()))
    try:
        return run_platform(platform, supervisor)
    finally:
        # Whatever happened, no process outlives the command.
        supervisor.stop_all()


def run_platform(platform: Platform, supervisor: Supervisor) -> int:
    """Starts everything, prints the URL and tokens, and watches until Ctrl-C or a death."""
    from launcher.supervisor import StartError, tail

    try:
        for name in platform.services:
            process = supervisor.start(name, f"services.{name}")
            supervisor.wait_grpc_healthy(process, platform.addresses[name])
            print(f"  {name:<11} gRPC on {platform.addresses[name]}", flush=True)
        if platform.demo_data:
            env = Env()
            signer = ActorSigner(actor_key(env, env.mode()), "launcher")
            loaded = asyncio.run(_load_demo(platform.plugins, platform.addresses, signer, platform.directory,
                                            supervisor.tls))
            print(f"  demo data   {'loaded into ' + ', '.join(loaded) if loaded else 'already in place'}", flush=True)
        gateway = supervisor.start("gateway", "gateway")
        supervisor.wait_http_ready(gateway, f"http://{platform.gateway_listen}/healthz")
    except (StartError, ConfigError, PluginError) as error:
        print(f"gridgov: {error}", file=sys.stderr)
        for process in supervisor.processes:
            for line in tail(process.log_path, 8):
                print(f"  [{process.name}] {line}", file=sys.stderr)
        return 1
    print(f"\nPortal:  http://{platform.gateway_listen}/{portal_note(platform.environ)}")
    print(f"GraphQL: http://{platform.gateway_listen}/graphql\n")
    if platform.mode is Mode.PRODUCTION:
        print("Production mode: tokens come from the identity provider (GRIDGOV_JWKS_URL); no demo tokens, "
              "no GraphiQL, no introspection.")
    else:
        print_demo_tokens()
    print("\nCtrl-C stops everything.", flush=True)
    died = supervisor.watch()
    if died is not None:
        code = died.popen.returncode if died.popen else None
        print(f"\ngridgov: {died.name} exited with code {code}; stopping the others (see {died.log_path})",
              file=sys.stderr)
        for line in tail(died.log_path):
            print(f"  [{died.name}] {line}", file=sys.stderr)
    return 1 if died is not None else 0


def portal_note(environ: dict[str, str]) -> str:
    """Empty when the portal is built, else how to build it (the gateway answers 503 until then)."""
    from gateway.portal_config import PortalSettings

    directory = PortalSettings.from_env(Env(environ)).directory
    return "" if (directory / "index.html").is_file() else f"  (not built in {directory}: run `make portal`)"


async def _load_demo(plugins, addresses, signer, directory: Path, tls) -> list[str]:  # type: ignore[no-untyped-def]
    from launcher.demo import load_demo_data

    return await load_demo_data(plugins, addresses, signer, marker_dir=directory, tls=tls)


def print_demo_tokens() -> None:
    """A token for each demo user (services.kit.demo.USERS): one per tier, a grid worker, a handling unit, a
    resident, an auditor and the department roles the fire and inspection policies know."""
    from gateway.auth import mint_demo_token
    from services.kit.demo import USERS

    print("Demo tokens (send as  Authorization: Bearer <token>):")
    for user in USERS:
        token = mint_demo_token(subject=user.subject, roles=[(user.role, user.scope)], department=user.department)
        print(f"  {user.label:<12} {user.role}@{user.scope}\n    {token}")


def command_token(args: argparse.Namespace) -> int:
    from gateway.auth import AuthError, mint_demo_token

    roles = [(args.role, args.scope)]
    try:
        token = mint_demo_token(subject=args.subject or f"demo-{args.role}", roles=roles,
                                department=args.department or "", ttl=args.ttl)
    except AuthError as error:  # the gateway would refuse the token with this reason
        print(f"gridgov token: {error.reason}", file=sys.stderr)
        return 2
    print(token)
    return 0


def command_demo_data(args: argparse.Namespace) -> int:
    env = Env()
    services = enabled_services(args.services, env)
    plugins = load_plugins(services)
    addresses = service_addresses(Env(child_environment(services)))
    signer = ActorSigner(actor_key(env, env.mode()), "launcher")
    from launcher.demo import load_demo_data

    loaded = asyncio.run(load_demo_data(plugins, addresses, signer, tls=tls_config(env, env.mode())))
    print(f"demo data loaded into {', '.join(loaded) or 'nothing'}")
    return 0


def command_migrate(args: argparse.Namespace) -> int:
    env = Env()
    services = enabled_services(args.services, env)
    plugins = load_plugins(services)

    async def run() -> None:
        for name, plugin in plugins.items():
            database = Database.from_url(ServiceSettings.from_env(name).database_url)
            try:
                await upgrade(database, plugin.migrations)
            finally:
                await database.dispose()
            print(f"{name}: migrated")
        from gateway.migrate import migrate_gateway

        await migrate_gateway()
        print("gateway: migrated")

    asyncio.run(run())
    return 0


def command_boundaries(args: argparse.Namespace) -> int:
    from launcher import boundaries

    env = Env()
    address = service_addresses(Env(child_environment(["registry"])))["registry"]
    signer = ActorSigner(actor_key(env, env.mode()), "launcher")
    tls = tls_config(env, env.mode())
    if args.action == "import":
        return boundaries.import_file(address, signer, Path(args.file), crs=args.crs,
                                      code_attribute=args.code_attribute, dry_run=args.dry_run, scope=args.scope,
                                      tls=tls)
    output = Path(args.output) if args.output else None
    return boundaries.export_file(address, signer, output, prefix=args.prefix, scope=args.scope, tls=tls)


def command_schema(args: argparse.Namespace) -> int:
    """Prints the composed GraphQL schema (SDL) of every installed plugin, or of --services."""
    from gateway.schema import compose

    names = [s.strip() for s in args.services.split(",") if s.strip()] if args.services else None
    try:
        text = compose(load_plugins(names)).as_str() + "\n"
    except PluginError as error:
        print(f"gridgov schema: {error}", file=sys.stderr)
        return 2
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="gridgov", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    up = commands.add_parser("up", help="start the services and the gateway on localhost (GRIDGOV_MODE=production: "
                                        "a production stack, its settings checked first)")
    up.add_argument("--services", help=f"comma-separated, default all installed ({','.join(DEFAULT_PORTS)})")
    up.add_argument("--demo-data", action="store_true", help="load the demo district first (once)")
    up.set_defaults(run=command_up)
    token = commands.add_parser("token", help="mint a demo token signed with the local key")
    token.add_argument("--role", required=True)
    token.add_argument("--scope", required=True, help="jurisdiction code the role applies to")
    token.add_argument("--subject")
    token.add_argument("--department")
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds the token is valid")
    token.set_defaults(run=command_token)
    demo = commands.add_parser("demo-data", help="load the demo district into running services")
    demo.add_argument("--services")
    demo.set_defaults(run=command_demo_data)
    migrate = commands.add_parser("migrate", help="apply every enabled service's and the gateway's migrations")
    migrate.add_argument("--services")
    migrate.set_defaults(run=command_migrate)
    boundaries = commands.add_parser("boundaries", help="import or export jurisdiction boundaries of the registry")
    actions = boundaries.add_subparsers(dest="action", required=True)
    imported = actions.add_parser("import", help="import a GeoJSON file or a zipped Shapefile, all or nothing")
    imported.add_argument("file", help="a .geojson/.json FeatureCollection or a .zip holding one Shapefile")
    imported.add_argument("--crs", required=True, choices=("wgs84", "cgcs2000", "gcj02"),
                          help="the file's coordinate system (gcj02 is converted to WGS 84)")
    imported.add_argument("--code-attribute", default="code", help="the attribute holding each jurisdiction code")
    imported.add_argument("--dry-run", action="store_true", help="check and report; store nothing")
    imported.add_argument("--scope", default="", help="the jurisdiction the import may write (default: all)")
    imported.set_defaults(run=command_boundaries)
    exported = actions.add_parser("export", help="write a subtree's boundaries as GeoJSON")
    exported.add_argument("--prefix", default="", help="the subtree's root code (default: all)")
    exported.add_argument("--output", "-o", help="the file to write (default: standard output)")
    exported.add_argument("--scope", default="", help="the jurisdiction read (default: all)")
    exported.set_defaults(run=command_boundaries)
    schema = commands.add_parser("schema", help="print the GraphQL schema (SDL) the gateway serves with these plugins")
    schema.add_argument("--services", help="comma-separated, default all installed")
    schema.add_argument("--output", "-o", help="the file to write (default: standard output)")
    schema.set_defaults(run=command_schema)
    return root


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    args = parser().parse_args(argv)
    try:
        return int(args.run(args))
    except (ConfigError, PluginError) as error:
        print(f"gridgov: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
