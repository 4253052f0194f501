"""How fast requests may go: the :class:`Limiter` protocol, its pause gate
(:class:`Unlimited`), :class:`RateLimiter`, pacing profiles and the Redis-shared
limiter (:mod:`zapi_async.limits.redis_limiter`, needs the ``redis`` extra)."""

from .pacing import PacedLimiter, PacingProfile
from .rate import ChainedLimiter, Limiter, RateLimiter, Unlimited

__all__ = ["ChainedLimiter", "Limiter", "PacedLimiter", "PacingProfile", "RateLimiter", "Unlimited"]
