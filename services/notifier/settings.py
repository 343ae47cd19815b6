"""The notifier's own settings from the environment: providers, retries, quiet hours, the rate limit."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import time, timedelta

from services.kit.config import ConfigError, Env
from services.notifier.domain import DEFAULT_QUIET, URGENT, QuietHours, RateLimit, ReminderKind, RetryPolicy


def quiet_hours(env: Env, kind: ReminderKind) -> QuietHours | None:
    """GRIDGOV_NOTIFIER_QUIET_<KIND>: "HH:MM-HH:MM" Beijing time, "none", or unset for 22:00-07:00."""
    name = f"GRIDGOV_NOTIFIER_QUIET_{kind.name}"
    raw = env.text(name, "default").strip().lower()
    if raw == "default":
        return DEFAULT_QUIET
    if raw == "none":
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in raw.split("-"))
    except ValueError:
        raise ConfigError(f"{name} must be HH:MM-HH:MM or none, got {raw!r}") from None
    return QuietHours(start, end)


@dataclass(frozen=True)
class NotifierSettings:
    # The SMS provider's HTTP endpoint (services.notifier.sms); empty: no SMS, deliveries escalate.
    sms_url: str = ""
    sms_key: str = ""
    sms_sign: str = "网格化治理"
    # The SMTP relay; empty host: no e-mail.
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = "gridgov@localhost"
    # How long one provider call may take, in seconds.
    send_timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit: RateLimit = field(default_factory=RateLimit)
    quiet_hours: Mapping[ReminderKind, QuietHours | None] = field(default_factory=dict)
    # How often the send queue is looked at, in seconds.
    delivery_interval: float = 2.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> NotifierSettings:
        """Reads GRIDGOV_NOTIFIER_*; raises ConfigError naming a bad variable."""
        env = Env(environ)
        return cls(
            sms_url=env.text("GRIDGOV_NOTIFIER_SMS_URL", ""),
            sms_key=env.text("GRIDGOV_NOTIFIER_SMS_KEY", ""),
            sms_sign=env.text("GRIDGOV_NOTIFIER_SMS_SIGN", "网格化治理"),
            smtp_host=env.text("GRIDGOV_NOTIFIER_SMTP_HOST", ""),
            smtp_port=env.integer("GRIDGOV_NOTIFIER_SMTP_PORT", 25, minimum=1),
            smtp_from=env.text("GRIDGOV_NOTIFIER_SMTP_FROM", "gridgov@localhost"),
            send_timeout=env.number("GRIDGOV_NOTIFIER_SEND_TIMEOUT", 10.0),
            retry=RetryPolicy(max_attempts=env.integer("GRIDGOV_NOTIFIER_MAX_ATTEMPTS", 5, minimum=1),
                              base_delay=env.number("GRIDGOV_NOTIFIER_RETRY_SECONDS", 30.0)),
            rate_limit=RateLimit(limit=env.integer("GRIDGOV_NOTIFIER_RATE_PER_HOUR", 10, minimum=1),
                                 window=timedelta(hours=1)),
            quiet_hours={kind: None if kind in URGENT else quiet_hours(env, kind) for kind in ReminderKind},
            delivery_interval=env.number("GRIDGOV_NOTIFIER_DELIVERY_INTERVAL", 2.0),
        )
