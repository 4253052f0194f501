"""Deterministic fault injection for the sandbox.

Two ways to break things, usable together:

* **Scripted** faults hit the next N matching requests, in the order they were
  scripted: ``fail_next(2, status=503)``, ``rate_limit_next(1, retry_after=2)``,
  ``drop_next(1, after_accept=True)``; each can target one endpoint.
* A :class:`FaultPlan` draws a fault for every other request from a seeded
  :class:`random.Random`, so the same seed and the same sequence of requests give
  the same faults, run after run::

      injector = FaultInjector(seed=7)
      injector.plan = FaultPlan(error_rate=0.1, rate_limit_rate=0.05, drop_rate=0.02)

Latency is decided here too (fixed seconds, or a function of the seeded random
generator); the server performs it. Drops come in two kinds: *before accepting*
(the message is not recorded) and *after accepting* (the message is recorded as
sent, then the connection closes without an answer: the ambiguous case).
"""

from __future__ import annotations

import enum
import http
import random
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["Decision", "Fault", "FaultInjector", "FaultKind", "FaultPlan", "Latency"]

#: Seconds of latency: fixed, or drawn from the injector's seeded generator.
Latency = float | Callable[[random.Random], float]


class FaultKind(enum.Enum):
    """What an injected fault does to a request."""

    ERROR = "error"  #: answer an error status (default 500) without processing
    RATE_LIMIT = "rate_limit"  #: answer 429 with a Retry-After header
    DROP_BEFORE = "drop_before"  #: close the connection without processing
    DROP_AFTER = "drop_after"  #: process (and record) the request, then close silently


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


@attrs.frozen
class Fault:
    """One injected fault: its kind, and for error answers the status, body and Retry-After."""

    kind: FaultKind
    status: int = 500
    body: Any = None
    retry_after: float | None = None

    def response_body(self) -> Any:
        """The JSON body answered (the given one, else ``{"error": <reason phrase>}``)."""
        if self.body is not None:
            return self.body
        return {"error": _reason(self.status)}


def _rate(_: Any, attribute: attrs.Attribute[float], value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"FaultPlan.{attribute.name} should be in range [0, 1], but was {value}")


def _endpoints(value: Any) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


@attrs.frozen
class FaultPlan:
    """Probabilistic faults, drawn per request from the sandbox's seeded generator.

    ``error_rate``, ``rate_limit_rate`` and ``drop_rate`` are probabilities (their sum
    at most 1) of answering ``error_status`` (default 500), answering 429 with
    ``Retry-After: retry_after`` seconds (default 1.0), or dropping the connection.
    ``drop_after_accept_ratio`` (default 0.5) is the share of drops that happen after
    the message was accepted. ``latency`` (seconds, or a function of a
    :class:`random.Random`) delays every matching request. ``endpoints`` limits the
    plan to those endpoint names (``None``, the default: every endpoint).
    """

    error_rate: float = attrs.field(default=0.0, validator=_rate)
    error_status: int = 500
    rate_limit_rate: float = attrs.field(default=0.0, validator=_rate)
    retry_after: float = 1.0
    drop_rate: float = attrs.field(default=0.0, validator=_rate)
    drop_after_accept_ratio: float = attrs.field(default=0.5, validator=_rate)
    latency: Latency | None = None
    endpoints: frozenset[str] | None = attrs.field(default=None, converter=_endpoints)

    def __attrs_post_init__(self) -> None:
        total = self.error_rate + self.rate_limit_rate + self.drop_rate
        if total > 1.0:
            raise ValueError(
                "FaultPlan error_rate + rate_limit_rate + drop_rate should be at most 1, "
                f"but was {total}"
            )

    def applies_to(self, endpoint: str) -> bool:
        """Whether this plan covers ``endpoint``."""
        return self.endpoints is None or endpoint in self.endpoints


@attrs.frozen
class Decision:
    """The injector's verdict for one request: a fault (or ``None``) and a latency."""

    fault: Fault | None
    latency: float = 0.0


@attrs.define
class _Scripted:
    fault: Fault
    endpoint: str | None
    remaining: int


def _check_count(n: int) -> None:
    if n < 1:
        raise ValueError(f"n should be at least 1, but was {n}")


class FaultInjector:
    """Decides, request by request, which fault (if any) and how much latency to apply.

    ``seed`` seeds the private :class:`random.Random` used by :attr:`plan` and by
    latency functions. Scripted faults always win over the plan.
    """

    def __init__(self, seed: int = 0) -> None:
        self._rng = random.Random(seed)
        self._scripted: list[_Scripted] = []
        self._latency: dict[str | None, Latency] = {}
        #: The probabilistic plan applied to requests no scripted fault claims.
        self.plan: FaultPlan | None = None

    def _script(self, fault: Fault, n: int, endpoint: str | None) -> None:
        _check_count(n)
        self._scripted.append(_Scripted(fault, endpoint, n))

    def fail_next(
        self, n: int = 1, *, status: int = 500, body: Any = None, endpoint: str | None = None
    ) -> None:
        """Answer the next ``n`` requests (to ``endpoint``, or any) with ``status`` and ``body``."""
        self._script(Fault(FaultKind.ERROR, status=status, body=body), n, endpoint)

    def rate_limit_next(
        self,
        n: int = 1,
        *,
        retry_after: float | None = 1.0,
        body: Any = None,
        endpoint: str | None = None,
    ) -> None:
        """Answer the next ``n`` requests with 429 and ``Retry-After`` (omitted if ``None``)."""
        fault = Fault(FaultKind.RATE_LIMIT, status=429, body=body, retry_after=retry_after)
        self._script(fault, n, endpoint)

    def drop_next(
        self, n: int = 1, *, after_accept: bool = False, endpoint: str | None = None
    ) -> None:
        """Close the connection on the next ``n`` requests, before or after accepting them."""
        kind = FaultKind.DROP_AFTER if after_accept else FaultKind.DROP_BEFORE
        self._script(Fault(kind), n, endpoint)

    def set_latency(self, latency: Latency | None, *, endpoint: str | None = None) -> None:
        """Delay every request (to ``endpoint``, or any) by ``latency``; ``None`` removes it."""
        if latency is None:
            self._latency.pop(endpoint, None)
        else:
            self._latency[endpoint] = latency

    def clear(self) -> None:
        """Remove scripted faults, latencies and the plan (the generator keeps its state)."""
        self._scripted.clear()
        self._latency.clear()
        self.plan = None

    @property
    def pending(self) -> int:
        """How many scripted faults are still waiting for a request."""
        return sum(entry.remaining for entry in self._scripted)

    @property
    def scripted(self) -> list[tuple[Fault, str | None, int]]:
        """The scripted faults still waiting: ``(fault, endpoint or None, remaining)``."""
        return [(entry.fault, entry.endpoint, entry.remaining) for entry in self._scripted]

    @property
    def latencies(self) -> dict[str | None, Latency]:
        """The latencies set with :meth:`set_latency` (key ``None``: every endpoint)."""
        return dict(self._latency)

    def decide(self, endpoint: str) -> Decision:
        """The fault and latency for the next request to ``endpoint``."""
        fault = self._take_scripted(endpoint)
        plan = self.plan if self.plan is not None and self.plan.applies_to(endpoint) else None
        if plan is not None:
            drawn = self._draw(plan)
            fault = fault or drawn
        latency = self._latency.get(endpoint, self._latency.get(None))
        if latency is None and plan is not None:
            latency = plan.latency
        return Decision(fault, self._seconds(latency))

    def _take_scripted(self, endpoint: str) -> Fault | None:
        for index, entry in enumerate(self._scripted):
            if entry.endpoint is None or entry.endpoint == endpoint:
                entry.remaining -= 1
                if entry.remaining == 0:
                    del self._scripted[index]
                return entry.fault
        return None

    def _draw(self, plan: FaultPlan) -> Fault | None:
        # Always two draws per request, so one request's outcome never shifts the
        # random sequence seen by the next.
        roll, split = self._rng.random(), self._rng.random()
        if roll < plan.error_rate:
            return Fault(FaultKind.ERROR, status=plan.error_status)
        roll -= plan.error_rate
        if roll < plan.rate_limit_rate:
            return Fault(FaultKind.RATE_LIMIT, status=429, retry_after=plan.retry_after)
        roll -= plan.rate_limit_rate
        if roll < plan.drop_rate:
            after = split < plan.drop_after_accept_ratio
            return Fault(FaultKind.DROP_AFTER if after else FaultKind.DROP_BEFORE)
        return None

    def _seconds(self, latency: Latency | None) -> float:
        if latency is None:
            return 0.0
        seconds = latency(self._rng) if callable(latency) else float(latency)
        return max(0.0, seconds)
