"""What the account's Lambda usage would cost: requests, GB-seconds, provisioned concurrency.

Usage is counted as it happens (real invocations and load runs alike): one request per
invocation that ran, and its duration rounded up to the next millisecond times the
function's memory. The estimate prices it with the figures in ``emulator.limits`` (AWS's
published prices; a lab can set its own), after the monthly free tier.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.cloud import Cloud


@dataclass
class Usage:
    """One function's counted usage."""

    requests: int = 0
    #: Billed milliseconds times memory in MB, by architecture.
    mb_ms: dict[str, int] = field(default_factory=dict)
    #: The part of mb_ms served by provisioned concurrency.
    provisioned_mb_ms: int = 0
    #: Provisioned concurrency kept ready: environments x memory MB x seconds.
    ready_mb_s: float = 0.0


@dataclass
class Ledger:
    """Usage per function, and how long provisioned concurrency has been configured."""

    usage: dict[str, Usage] = field(default_factory=dict)

    def add(
        self, function: str, duration_ms: float, memory: int, arch: str, provisioned: bool
    ) -> None:
        """One invocation that ran: a request and its billed duration."""
        usage = self.usage.get(function)
        if usage is None:
            usage = self.usage[function] = Usage()
        usage.requests += 1
        billed = math.ceil(duration_ms) * memory
        usage.mb_ms[arch] = usage.mb_ms.get(arch, 0) + billed
        if provisioned:
            usage.provisioned_mb_ms += billed

    def ready(self, function: str, environments: int, memory: int, seconds: float) -> None:
        """Provisioned concurrency that was configured for ``seconds``."""
        if seconds <= 0 or environments <= 0:
            return
        usage = self.usage.setdefault(function, Usage())
        usage.ready_mb_s += environments * memory * seconds

    def to_json(self) -> dict[str, Any]:
        return {name: asdict(u) for name, u in self.usage.items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Ledger:
        return cls({name: Usage(**u) for name, u in data.items()})


def estimate(cloud: Cloud, ledger: Ledger) -> dict[str, Any]:
    """Requests, GB-seconds and dollars, per function and in total, after the free tier."""
    price = {
        "request": cloud.quota("lambda", "RequestPrice"),
        "x86_64": cloud.quota("lambda", "GbSecondPriceX86"),
        "arm64": cloud.quota("lambda", "GbSecondPriceArm"),
        "ready": cloud.quota("lambda", "ProvisionedGbSecondPrice"),
        "provisioned": cloud.quota("lambda", "ProvisionedDurationPrice"),
    }
    free_requests = cloud.quota("lambda", "FreeTierRequests")
    free_gb_s = cloud.quota("lambda", "FreeTierGbSeconds")
    functions = {}
    total_requests = 0
    total_gb_s = 0.0
    compute_cost = 0.0
    provisioned_cost = 0.0
    for name, usage in sorted(ledger.usage.items()):
        on_demand_mb_ms = sum(usage.mb_ms.values()) - usage.provisioned_mb_ms
        gb_s = {arch: mb_ms / 1024 / 1000 for arch, mb_ms in usage.mb_ms.items()}
        # Calls on provisioned concurrency pay its own duration price instead.
        share = on_demand_mb_ms / max(1, sum(usage.mb_ms.values()))
        compute = sum(gb_s[a] * share * price.get(a, price["x86_64"]) for a in gb_s)
        ready = usage.ready_mb_s / 1024 * price["ready"]
        on_provisioned = usage.provisioned_mb_ms / 1024 / 1000 * price["provisioned"]
        functions[name] = {
            "requests": usage.requests,
            "gb_seconds": round(sum(gb_s.values()), 6),
            "request_cost": usage.requests * price["request"],
            "compute_cost": compute,
            "provisioned_cost": ready + on_provisioned,
        }
        total_requests += usage.requests
        total_gb_s += sum(gb_s.values()) * share
        compute_cost += compute
        provisioned_cost += ready + on_provisioned
    billable_requests = max(0, total_requests - free_requests)
    free_fraction = min(1.0, free_gb_s / total_gb_s) if total_gb_s else 0.0
    request_cost = billable_requests * price["request"]
    compute_after_free = compute_cost * (1 - free_fraction)
    return {
        "functions": functions,
        "requests": total_requests,
        "gb_seconds": round(total_gb_s, 6),
        "free_tier": {"requests": free_requests, "gb_seconds": free_gb_s},
        "request_cost": request_cost,
        "compute_cost": compute_after_free,
        "provisioned_cost": provisioned_cost,
        "total": request_cost + compute_after_free + provisioned_cost,
        "before_free_tier": total_requests * price["request"] + compute_cost + provisioned_cost,
    }


def summary(answer: dict[str, Any]) -> str:
    """The estimate as a few readable lines."""
    lines = [
        f"{'function':<24}{'requests':>12}{'GB-seconds':>14}{'cost (USD)':>14}",
    ]
    for name, f in answer["functions"].items():
        cost = f["request_cost"] + f["compute_cost"] + f["provisioned_cost"]
        lines.append(f"{name:<24}{f['requests']:>12,}{f['gb_seconds']:>14,.3f}{cost:>14.6f}")
    lines.append(
        f"Before the free tier: ${answer['before_free_tier']:.6f}. After it "
        f"({answer['free_tier']['requests']:,} requests and "
        f"{answer['free_tier']['gb_seconds']:,} GB-seconds a month): ${answer['total']:.6f}"
    )
    if answer["provisioned_cost"]:
        lines.append(
            f"Provisioned concurrency (not covered by the free tier): "
            f"${answer['provisioned_cost']:.6f}"
        )
    return "\n".join(lines)
