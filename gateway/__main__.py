"""``python -m gateway``: serve the gateway with uvicorn (uvloop, httptools) until SIGTERM or SIGINT."""

from __future__ import annotations

import logging
import sys

import uvicorn

from gateway.app import create_app
from gateway.settings import GatewaySettings
from services.kit.config import ConfigError
from services.kit.plugin import PluginError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    try:
        settings = GatewaySettings.from_env()
        app = create_app(settings)
    except (ConfigError, PluginError) as error:
        print(f"gateway: {error}", file=sys.stderr)
        return 1
    config = uvicorn.Config(app, host=settings.host, port=settings.port, loop="uvloop", http="httptools",
                            lifespan="on", access_log=False, log_level="info")
    server = uvicorn.Server(config)
    server.run()
    # uvicorn leaves started == False when the lifespan (migrations, OPA upload) failed.
    return 0 if server.started else 3


if __name__ == "__main__":
    sys.exit(main())
