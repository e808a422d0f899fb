"""Prometheus metrics of the service (text exposition at GET /metrics).

Each app gets its own CollectorRegistry, so several apps in one process (tests) never clash.
Routes are labelled by their template (`/verify/{anrfId}`), never the raw path, so label
cardinality stays bounded whatever clients send."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest

UNMATCHED_ROUTE = "<unmatched>"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
CONFIDENCE_BUCKETS = tuple(i / 10 for i in range(1, 11))


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        disable_created_metrics()  # the *_created series only double what scrapers store
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter("anrf_http_requests_total", "HTTP requests by method, route template and status", ("method", "route", "status"), registry=r)
        self.latency = Histogram("anrf_http_request_duration_seconds", "HTTP request latency by route template", ("route",),
                                 buckets=LATENCY_BUCKETS, registry=r)
        self.tokens = Counter("anrf_generated_tokens_total", "tokens decoded by the generator, all hypotheses", registry=r)
        self.confidence = Histogram("anrf_generation_confidence", "calibrated confidence of accepted generations",
                                    buckets=CONFIDENCE_BUCKETS, registry=r)
        self.generations = Counter("anrf_generations_total", "generations by outcome", ("outcome",), registry=r)
        self.queue_depth = Gauge("anrf_generation_queue_depth", "generations waiting for a slot", registry=r)
        self.in_progress = Gauge("anrf_generations_in_progress", "generations holding a slot", registry=r)
        self.rate_limited = Counter("anrf_rate_limited_total", "requests refused by the rate limit", registry=r)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
