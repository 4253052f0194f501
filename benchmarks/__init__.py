"""Benchmark suite for zapi_async: ``python -m benchmarks.run`` (``make bench``).

Measures HTTP throughput and latency against a fake Z-API in a separate process
(raw aiohttp, :class:`~zapi_async.ZapiClient`, ``send_many`` and httpx side by
side), the cost of building and serialising messages, the rate limiter's accuracy
and the memory of a long ``send_many``. See docs/performance.md.
"""
