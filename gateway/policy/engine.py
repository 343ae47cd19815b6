"""Policy engines behind one interface: in-process Rego (regorus), regopy, and an OPA server."""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from gateway.policy.aliases import expand_aliases
from gateway.policy.bundle import DECISION_PATH, DECISION_RULE, Bundle

log = logging.getLogger(__name__)

# An OPA answer slower than this refuses the request rather than holding it.
DEFAULT_OPA_TIMEOUT = 0.5


class PolicyUnavailable(Exception):
    """The policy could not be evaluated; the request must be refused (fail closed)."""


def _strings(result: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = result.get(key)
    if not isinstance(value, list | tuple) or not all(isinstance(item, str) for item in value):
        raise PolicyUnavailable(f"the policy returned a malformed decision: {key} must be a list of strings, "
                                f"got {value!r}")
    return tuple(sorted(value))


@dataclass(frozen=True)
class Decision:
    """The policy's answer for one operation."""

    allow: bool
    reasons: tuple[str, ...]
    mask: tuple[str, ...]
    scopes: tuple[str, ...]
    # The decision-log record this authorization was written as ("" before it is logged); outcomes refer to it.
    decision_id: str = field(default="", compare=False)

    @classmethod
    def from_result(cls, result: Any) -> Decision:
        """Reads data.gridgov.authz.decision; raises PolicyUnavailable if it is malformed.

        Every key is required with its type: a missing ``mask`` must not read as "mask nothing", nor a missing
        ``scopes`` as "no restriction", nor ``allow: "true"`` as true.
        """
        if not isinstance(result, Mapping):
            raise PolicyUnavailable(f"the policy returned no decision: {result!r}")
        if not isinstance(result.get("allow"), bool):
            raise PolicyUnavailable(f"the policy returned a malformed decision: allow must be true or false, "
                                    f"got {result.get('allow')!r}")
        return cls(allow=result["allow"], reasons=_strings(result, "reasons"), mask=_strings(result, "mask"),
                   scopes=_strings(result, "scopes"))

    def as_result(self) -> dict[str, Any]:
        return {"allow": self.allow, "reasons": list(self.reasons), "mask": list(self.mask),
                "scopes": list(self.scopes)}


class PolicyInput(dict[str, Any]):
    """A policy input that may carry its JSON text already (``text``), built cheaper by its maker,
    and a key naming it without its per-request context (``cache_key``)."""

    text: str = ""
    cache_key: str = ""


def input_json(policy_input: Mapping[str, Any]) -> str:
    if isinstance(policy_input, PolicyInput) and policy_input.text:
        return policy_input.text
    return json.dumps(policy_input, separators=(",", ":"), default=str)


class PolicyEngine(Protocol):
    """Evaluates data.gridgov.authz.decision for one input."""

    revision: str

    async def decide(self, policy_input: Mapping[str, Any]) -> Decision:
        """Raises PolicyUnavailable when the policy cannot be evaluated."""
        ...


def _jsonable(value: Any) -> Any:
    """regorus returns Rego sets as Python sets; decisions are JSON."""
    if isinstance(value, set | frozenset):
        return sorted(_jsonable(v) for v in value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


# regorus's objects are "unsendable": dropping one on a thread other than the one that made it
# raises an unraisable RuntimeError (and leaks it). Python's cycle collector runs on whichever
# thread happens to allocate — a database driver's thread, say — so an engine caught in a
# reference cycle could free them on the wrong thread. So no engine owns a regorus object: they
# live here for the life of the process, one of each kind per bundle revision and thread (the same
# revision means the same Rego files, so engines of one revision share them), made on first use
# by the thread that uses them.
_RETAINED: dict[tuple[str, str, int], Any] = {}


class RegorusEngine:
    """The embedded default: the Rego bundle evaluated in-process by regorus (Rust).

    The bundle is compiled once per thread to regorus's VM (``Program`` + ``Rvm``): a decision costs
    tens of microseconds there against hundreds through the tree-walking interpreter. Should the
    compiler reject a construct some plugin's policy uses, the interpreter evaluates the same files
    instead (same decisions, slower); ``compiled`` says which path is in use.
    """

    def __init__(self, bundle: Bundle, *, compiled: bool = True) -> None:
        import regorus

        self.revision = bundle.revision
        self._regorus = regorus
        self._modules = bundle.modules
        self.compiled = False
        if compiled:
            try:
                self._retained("program", self._compile)
                self.compiled = True
            except Exception as error:  # regorus raises RuntimeError with the compiler's text
                log.warning("regorus could not compile the policy bundle; interpreting it instead: %s",
                            str(error).splitlines()[0] if str(error) else error)
        if not self.compiled:
            self._retained("engine", self._interpreter)

    def _retained(self, kind: str, make: Callable[[], Any]) -> Any:
        key = (kind, self.revision, threading.get_ident())
        value = _RETAINED.get(key)
        if value is None:
            value = _RETAINED[key] = make()
        return value

    def _compile(self) -> Any:
        modules = [(name, expand_aliases(text)) for name, text in self._modules]
        return self._regorus.Program.compile_from_modules("{}", modules, [DECISION_RULE])

    def _load_vm(self) -> Any:
        vm = self._regorus.Rvm()
        vm.load_program(self._retained("program", self._compile))
        return vm

    def _interpreter(self) -> Any:
        engine = self._regorus.Engine()
        for name, text in self._modules:
            engine.add_policy(name, text)
        return engine

    def decide_sync(self, policy_input: Mapping[str, Any]) -> Decision:
        try:
            if self.compiled:
                vm = self._retained("vm", self._load_vm)
                vm.set_input_json(input_json(policy_input))
                result = json.loads(vm.execute())
            else:
                engine = self._retained("engine", self._interpreter)
                engine.set_input_json(input_json(policy_input))
                result = _jsonable(engine.eval_rule(DECISION_RULE))
        except Exception as error:  # regorus raises RuntimeError with the Rego error text
            raise PolicyUnavailable(f"policy evaluation failed: {error}") from error
        return Decision.from_result(result)

    async def decide(self, policy_input: Mapping[str, Any]) -> Decision:
        # Tens of µs: cheaper inline than a thread hop.
        return self.decide_sync(policy_input)


class RegopyEngine:
    """A second, independent Rego implementation (rego-cpp); used to cross-check decisions."""

    def __init__(self, bundle: Bundle) -> None:
        import regopy

        self.revision = bundle.revision
        self._modules = bundle.modules
        self._regopy = regopy

    def decide_sync(self, policy_input: Mapping[str, Any]) -> Decision:
        interpreter = self._regopy.Interpreter()
        for name, text in self._modules:
            interpreter.add_module(name, text)
        interpreter.set_input_term(input_json(policy_input))
        output = interpreter.query("x := " + DECISION_RULE)
        try:
            parsed = json.loads(str(output))
            return Decision.from_result(parsed["bindings"]["x"])
        except (ValueError, KeyError, TypeError) as error:
            raise PolicyUnavailable(f"regopy returned no decision: {output}") from error

    async def decide(self, policy_input: Mapping[str, Any]) -> Decision:
        return await asyncio.to_thread(self.decide_sync, policy_input)


class OpaEngine:
    """Production: an OPA server's Data API over an async HTTP client (httpx), failing closed.

    Decisions go through ``httpx.AsyncClient`` on the serving loop, not opa-python-client in a thread: a thread
    per decision let a hung OPA hold every worker thread, so the gateway's throughput fell to threads ÷ timeout.
    Now a hung server costs each request its timeout and nothing else. opa-python-client still uploads the bundle
    through the Policy API at start-up.

    The server must hold the same bundle (``Bundle.write_to``); ``revision`` is that bundle's hash.
    Any transport error, timeout, non-2xx answer or malformed result raises PolicyUnavailable.
    """

    def __init__(self, url: str, bundle: Bundle, *, timeout: float = DEFAULT_OPA_TIMEOUT,
                 token: str | None = None) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"OPA URL must be http(s)://host:port, got {url!r}")
        port = parts.port or (443 if parts.scheme == "https" else 8181)
        self.revision = bundle.revision
        self.url = url
        self.timeout = timeout
        self._decision_url = f"{parts.scheme}://{parts.hostname}:{port}/v1/data/{DECISION_PATH}"
        self._headers = {"Content-Type": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"
        # Made on first use, inside the serving loop (its connections belong to that loop).
        self._client: httpx.AsyncClient | None = None
        self._bundle = bundle
        self._host, self._port, self._ssl, self._token = parts.hostname, port, parts.scheme == "https", token

    def upload(self, timeout: float = 10.0) -> None:
        """Puts every module of the bundle on the server (the Policy API), replacing older versions.

        Raises PolicyUnavailable naming the server when it cannot be reached, or the module it refused.
        """
        import requests
        from opa_client import OpaClient

        client = OpaClient(host=self._host, port=self._port, ssl=self._ssl, timeout=timeout, retries=2,
                           token=self._token)
        try:
            for name, text in self._bundle.modules:
                try:
                    client.update_policy_from_string(text, "gridgov/" + name.removesuffix(".rego"), rego_compat=False)
                except (requests.ConnectionError, requests.Timeout) as error:
                    raise PolicyUnavailable(f"could not reach the OPA server at {self.url} "
                                            f"(GRIDGOV_OPA_URL) to upload the policy bundle: {error}") from error
                except Exception as error:
                    raise PolicyUnavailable(f"OPA at {self.url} refused policy module {name}: {error}") from error
        finally:
            client.close_connection()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # No retries: a retry after a timeout doubles the wait; the request is refused instead.
            self._client = httpx.AsyncClient(timeout=self.timeout, headers=self._headers,
                                             limits=httpx.Limits(max_connections=256, max_keepalive_connections=64))
        return self._client

    async def decide(self, policy_input: Mapping[str, Any]) -> Decision:
        body = '{"input":' + input_json(policy_input) + "}"
        try:
            # The whole exchange within the timeout (httpx's own applies to each phase separately).
            async with asyncio.timeout(self.timeout):
                response = await self._http().post(self._decision_url, content=body)
            response.raise_for_status()
            answer = response.json()
        except TimeoutError:
            raise PolicyUnavailable(f"OPA at {self.url} could not evaluate the policy: no answer within "
                                    f"{self.timeout} s") from None
        except (httpx.HTTPError, ValueError) as error:  # transport, non-2xx, a body that is not JSON
            raise PolicyUnavailable(f"OPA at {self.url} could not evaluate the policy: {error}") from error
        if not isinstance(answer, Mapping) or "result" not in answer:
            raise PolicyUnavailable(f"OPA at {self.url} returned no decision (is the bundle loaded?): {answer!r}")
        return Decision.from_result(answer["result"])

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
