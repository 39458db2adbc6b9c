"""Prometheus metrics, one registry per app (so tests and several apps never collide)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from callcenter.core.database import Availability

POP_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.calls_in_progress = Gauge(
            "callcenter_calls_in_progress", "Calls the AMI listener tracks right now",
            registry=self.registry)
        self.appeals_opened = Counter(
            "callcenter_appeals_opened", "Appeals opened, by channel", ["channel"],
            registry=self.registry)
        self.ami_reconnects = Gauge(
            "callcenter_ami_reconnects", "AMI reconnects since start", registry=self.registry)
        self.ami_logged_in = Gauge(
            "callcenter_ami_logged_in", "1 while logged in to Asterisk", registry=self.registry)
        self.pops_sent = Counter(
            "callcenter_pops_sent", "Screen-pop messages sent to operators' sockets, by type",
            ["type"], registry=self.registry)
        self.pop_latency = Histogram(
            "callcenter_pop_latency_seconds",
            "From the AgentCalled frame's arrival to the pop written to the socket",
            buckets=POP_BUCKETS, registry=self.registry)
        self.database_available = Gauge(
            "callcenter_database_available",
            "1 while the database answers this process's transactions, 0 while it is away",
            registry=self.registry)
        self.database_outages = Gauge(
            "callcenter_database_outages",
            "Times this process found the database away since start", registry=self.registry)
        self._pop_kinds: dict[str, Counter] = {}

    def watch_calls(self, count: Callable[[], int]) -> None:
        self.calls_in_progress.set_function(lambda: float(count()))

    def watch_link(self, reconnects: Callable[[], int], logged_in: Callable[[], bool]) -> None:
        self.ami_reconnects.set_function(lambda: float(reconnects()))
        self.ami_logged_in.set_function(lambda: 1.0 if logged_in() else 0.0)

    def watch_database(self, availability: Availability) -> None:
        self.database_available.set_function(lambda: 1.0 if availability.available else 0.0)
        self.database_outages.set_function(lambda: float(availability.outages))

    def watch_loops(self, failures: Mapping[str, int]) -> None:
        """`callcenter_loop_failures_total{loop=...}`: how often each supervised loop failed
        (and was run again) since start."""
        self.registry.register(LoopFailures(failures))

    def appeal_opened(self, channel: str) -> None:
        self.appeals_opened.labels(channel=channel).inc()

    def pop_sent(self, kind: str, latency: float | None = None) -> None:
        counter = self._pop_kinds.get(kind)
        if counter is None:  # a labelled child per type, looked up once (a hot path)
            counter = self._pop_kinds[kind] = self.pops_sent.labels(type=kind)
        counter.inc()
        if latency is not None:
            self.pop_latency.observe(latency)


class LoopFailures(Collector):
    """Read at every scrape from the supervisor's counts (loops appear as they first fail)."""

    def __init__(self, failures: Mapping[str, int]) -> None:
        self._failures = failures

    def collect(self) -> Iterator[CounterMetricFamily]:
        family = CounterMetricFamily(
            "callcenter_loop_failures",
            "Failures of a supervised loop since start (each time it was run again)",
            labels=["loop"])
        for loop, count in sorted(self._failures.items()):
            family.add_metric([loop], float(count))
        yield family
