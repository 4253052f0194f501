"""Pacing profiles: send like a person, not like a blaster.

WhatsApp bans numbers that send many identical messages at machine-regular speed,
especially numbers that are new. A rate limit alone keeps Z-API happy; it does not
keep the *number* safe. A :class:`PacingProfile` adds three habits on top of any
limiter, all off unless you pass one (``SendQueue(client, pacing=PacingProfile.careful())``):

* **jittered gaps**: each message waits a random ``min_gap..max_gap`` seconds after
  the previous one, so the traffic has no fixed rhythm;
* **a daily cap**: at most ``daily_cap`` messages per (UTC) day for the instance;
  beyond it :class:`DailyCapReachedError` is raised and nothing is sent;
* **a warm-up ramp**: a number first used on ``warmup_start`` may send only
  ``warmup_initial`` messages on its first day, growing by ``warmup_growth`` per
  day until ``daily_cap``.

The counts live in this process: restarting it resets today's count. Several
processes sharing one number need a shared limiter (see the Redis limiter).
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import attrs

from ..errors import DailyCapReachedError, SettingsError
from .rate import Clock, Limiter, Sleep, Unlimited, _loop_time

__all__ = ["PacedLimiter", "PacingProfile"]


def _at_least(
    minimum: int, *, integer: bool = False
) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    kind = "an integer" if integer else "a number"
    types = (int,) if integer else (int, float)

    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if (
            isinstance(value, bool)
            or not isinstance(value, types)
            or not math.isfinite(value)
            or value < minimum
        ):
            raise SettingsError(
                f"PacingProfile.{attribute.name} should be {kind} >= {minimum}, but was {value!r}"
            )

    return check


def _a_date(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
        raise SettingsError(
            f"PacingProfile.{attribute.name} should be a datetime.date, but was {value!r}"
        )


@attrs.frozen(kw_only=True)
class PacingProfile:
    """Human-like pacing for one instance. All fields optional; seconds and counts.

    * ``min_gap`` / ``max_gap``: random gap between consecutive messages, in
      seconds (default 0: none; ``max_gap >= min_gap >= 0``).
    * ``daily_cap``: messages per UTC day (default ``None``: no cap).
    * ``warmup_start``: first day the number sent (default ``None``: no warm-up).
    * ``warmup_initial``: cap on that first day (default 20, at least 1);
      ``warmup_growth``: daily factor (default 2.0, at least 1).
    """

    min_gap: float = attrs.field(default=0.0, validator=_at_least(0))
    max_gap: float = attrs.field(default=0.0, validator=_at_least(0))
    daily_cap: int | None = attrs.field(
        default=None, validator=attrs.validators.optional(_at_least(0, integer=True))
    )
    warmup_start: date | None = attrs.field(default=None, validator=_a_date)
    warmup_initial: int = attrs.field(default=20, validator=_at_least(1, integer=True))
    warmup_growth: float = attrs.field(default=2.0, validator=_at_least(1))

    def __attrs_post_init__(self) -> None:
        if self.max_gap < self.min_gap:
            raise SettingsError(
                f"PacingProfile.max_gap should be >= min_gap ({self.min_gap}), "
                f"but was {self.max_gap}"
            )

    @classmethod
    def careful(cls, *, warmup_start: date | None = None) -> PacingProfile:
        """A conservative preset: 2-6 s between messages, 1000 per day.

        Pass ``warmup_start`` for a number that started sending recently.
        """
        return cls(min_gap=2.0, max_gap=6.0, daily_cap=1000, warmup_start=warmup_start)

    def cap_for(self, day: date) -> int | None:
        """Messages allowed on ``day`` (``None``: unlimited)."""
        if self.warmup_start is None:
            return self.daily_cap
        age = max(0, (day - self.warmup_start).days)
        try:
            ramp = self.warmup_initial * self.warmup_growth**age
        except OverflowError:  # a number warmed up long ago
            return self.daily_cap
        if self.daily_cap is not None and ramp >= self.daily_cap:
            return self.daily_cap
        return int(ramp) if math.isfinite(ramp) else None


def _utc_today(now: float) -> date:
    return datetime.fromtimestamp(now, tz=timezone.utc).date()


class PacedLimiter(Unlimited):
    """A :class:`~zapi_async.limits.rate.Limiter` applying a :class:`PacingProfile`
    on top of another limiter (the rate limit)."""

    __slots__ = ("_count", "_day", "_inner", "_next_at", "_profile", "_random", "_wall")

    def __init__(
        self,
        profile: PacingProfile,
        inner: Limiter | None = None,
        *,
        clock: Clock = _loop_time,
        sleep: Sleep = asyncio.sleep,
        wall_clock: Clock = time.time,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(clock=clock, sleep=sleep)
        self._profile = profile
        self._inner: Limiter = inner if inner is not None else Unlimited(clock=clock, sleep=sleep)
        self._wall = wall_clock
        self._random = rng or random.Random()
        self._next_at = float("-inf")
        self._day: date | None = None
        self._count = 0

    @property
    def sent_today(self) -> int:
        """Permissions granted on the current UTC day."""
        return self._count if self._day == _utc_today(self._wall()) else 0

    def _take_daily_slot(self) -> date:
        today = _utc_today(self._wall())
        if today != self._day:
            self._day, self._count = today, 0
        cap = self._profile.cap_for(today)
        if cap is not None and self._count >= cap:
            raise DailyCapReachedError(cap, today)
        self._count += 1
        return today

    async def acquire(self) -> None:
        """Wait for the inner limiter, the jittered gap, and a slot under today's cap.

        Raises :class:`DailyCapReachedError` at once when today's cap is used up.
        """
        day = self._take_daily_slot()
        try:
            await self._inner.acquire()
            await self._wait_turn()
        except BaseException:
            if self._day == day:
                self._count -= 1  # the slot was never used
            raise

    async def _wait_turn(self) -> None:
        # Book the next jittered slot; a pause that starts meanwhile sends us round again.
        profile = self._profile
        while True:
            await self._wait_out_pause()
            if profile.max_gap <= 0:
                return
            now = self._clock()
            slot = max(now, self._next_at)
            self._next_at = slot + self._random.uniform(profile.min_gap, profile.max_gap)
            if slot <= now:
                return
            await self._sleep(slot - now)
            if self._clock() >= self._paused_until:
                return

    async def pause(self, seconds: float) -> None:
        """Pause every sender (e.g. after a 429), including those waiting out a gap."""
        await super().pause(seconds)
        self._next_at = max(self._next_at, self._paused_until)
        await self._inner.pause(seconds)
