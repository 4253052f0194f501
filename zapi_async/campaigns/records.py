"""The values a campaign hands out: :class:`CampaignItem`, :class:`CampaignStatus`,
:class:`CampaignResult` and :class:`InstanceCredentials`."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from ..config import DEFAULT_BASE_URL
from ..errors import SettingsError
from ..limits.pacing import PacingProfile
from ..models.messages import Message, SendResult

__all__ = [
    "CampaignItem",
    "CampaignResult",
    "CampaignStatus",
    "InstanceBudget",
    "InstanceCredentials",
    "credentials_from_env",
]


@attrs.frozen
class CampaignItem:
    """A message with a ``tag`` of yours (e.g. its input line) kept beside it in Redis
    and given back in :class:`CampaignResult`."""

    message: Message
    tag: str | None = None


def _check_rate(instance: InstanceBudget, attribute: Any, value: float | None) -> None:
    if value is not None and not (isinstance(value, (int, float)) and value > 0):
        raise SettingsError(
            f"InstanceBudget.rate should be > 0 requests/s or None, but was {value!r}"
        )


def _check_burst(instance: InstanceBudget, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(f"InstanceBudget.burst should be an integer >= 1, but was {value!r}")


def _check_pacing(instance: InstanceBudget, attribute: Any, value: object) -> None:
    if value is not None and not isinstance(value, PacingProfile):
        raise SettingsError(
            f"InstanceBudget.pacing should be a PacingProfile or None, but was {value!r}"
        )


@attrs.frozen(kw_only=True)
class InstanceBudget:
    """One instance's own sending budget in a campaign, in place of the campaign's
    ``rate``/``burst``/``pacing`` (e.g. a new number on a warm-up profile beside
    older ones at full rate). Shared by every worker through Redis, like those."""

    rate: float | None = attrs.field(default=None, validator=_check_rate)
    burst: int = attrs.field(default=1, validator=_check_burst)
    pacing: PacingProfile | None = attrs.field(default=None, validator=_check_pacing)


@attrs.frozen(kw_only=True)
class CampaignStatus:
    """A snapshot of a campaign's counters.

    ``state`` is ``creating``, ``ready``, ``paused`` or ``cancelled``. ``total``
    messages (so far, while ``creating``): ``pending`` not attempted yet,
    ``in_flight`` being sent now, and the finished ones by outcome. ``done`` is
    true once creation ended and every message has its final outcome.
    """

    name: str
    state: str
    total: int
    pending: int
    in_flight: int
    sent: int
    failed: int
    partial: int
    unknown: int
    unsent: int
    partitions: int
    instances: tuple[str, ...]

    @property
    def finished(self) -> int:
        """Messages with a final outcome."""
        return self.sent + self.failed + self.partial + self.unknown + self.unsent

    @property
    def done(self) -> bool:
        """Creation ended and every message has its final outcome."""
        return self.state != "creating" and self.finished >= self.total

    def as_dict(self) -> dict[str, Any]:
        """The fields (and ``finished``, ``done``) as a JSON-ready dict."""
        data = attrs.asdict(self)
        data["instances"] = list(self.instances)
        data.update(finished=self.finished, done=self.done)
        return data


@attrs.frozen(kw_only=True)
class CampaignResult:
    """One message's fate: its 0-based ``index``, ``tag``, the ``message``, its
    ``status`` (an outcome status, or ``pending``/``in_flight`` while it has none),
    the ``results`` of the parts sent, and ``error``/``error_type`` when it failed."""

    index: int
    tag: str | None
    message: Message
    status: str
    results: tuple[SendResult, ...] = ()
    error: str | None = None
    error_type: str | None = None
    worker: str | None = None


@attrs.frozen
class InstanceCredentials:
    """How a worker reaches one Z-API instance. Secrets are left out of the repr."""

    instance_id: str
    token: str = attrs.field(repr=False)
    client_token: str | None = attrs.field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL


def _prefix(name: str) -> str:
    if name == "default":
        return "ZAPI_"
    return "ZAPI_" + "".join(c if c.isalnum() else "_" for c in name).upper() + "_"


def credentials_from_env(
    name: str, environ: Mapping[str, str] | None = None
) -> InstanceCredentials | None:
    """Instance ``name``'s credentials from the environment, or ``None``.

    ``default`` reads ``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN``, ``ZAPI_CLIENT_TOKEN``
    and ``ZAPI_BASE_URL``; any other name the same with the upper-cased name in
    the middle (``sales-2`` -> ``ZAPI_SALES_2_INSTANCE_ID``...).
    """
    env = os.environ if environ is None else environ
    prefix = _prefix(name)
    instance_id, token = env.get(prefix + "INSTANCE_ID"), env.get(prefix + "TOKEN")
    if not instance_id or not token:
        return None
    return InstanceCredentials(
        instance_id,
        token,
        env.get(prefix + "CLIENT_TOKEN") or None,
        env.get(prefix + "BASE_URL") or DEFAULT_BASE_URL,
    )
