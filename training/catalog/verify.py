"""Prove catalog behaviours: the ANRF a request builds passes every checker (no
errors, no warnings) and runs equal to the Python reference on the behaviour's cases.

`verify_behaviour` is what the data build runs for every generated example, so it
stays cheap (a few milliseconds: one check, one interpreter per case); it shares
`training.proof.prove` with the dataset pipeline, so both judge alike.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from training.behaviour import Behaviour, BuildRequest, Case, renamed_function
from training.proof import prove

# Constraints a request may carry that the checkers actually verify: empty input is run, complexity compared.
EMPTY_INPUT = {"type": "safety", "description": "Handle empty input gracefully", "formal_spec": ""}


def default_request(
    behaviour: Behaviour,
    *,
    name: str | None = None,
    param_names: Sequence[str] | None = None,
    description: str | None = None,
    constraints: Sequence[dict[str, str]] = (),
) -> BuildRequest:
    """A request for `behaviour` with its default names and summary, unless given."""
    return BuildRequest(
        anrf_id=f"catalog-{behaviour.key}",
        name=name or behaviour.name,
        param_names=tuple(param_names) if param_names is not None else tuple(p.name for p in behaviour.params),
        description=behaviour.summary if description is None else description,
        constraints=tuple(constraints),
    )


def verify_behaviour(behaviour: Behaviour, request: BuildRequest, rng: random.Random) -> list[str]:
    """Problems with the ANRF `request` builds (empty when it proves itself): checker
    errors and warnings with their codes, cases whose result differs from the
    reference (expected vs got), and exceptions while building or running."""
    try:
        doc = behaviour.build(request)
        cases = behaviour.cases(rng)
        expected = [behaviour.reference(c) for c in cases]
    except Exception as exc:  # noqa: BLE001 - a broken behaviour is reported, not raised
        return [f"{behaviour.key}: build failed: {type(exc).__name__}: {exc}"]
    cases = [Case(renamed_function(c.function, behaviour, request), c.args) for c in cases]
    try:
        return prove(doc, cases, expected)
    except Exception as exc:  # noqa: BLE001 - an interpreter or checker crash is a finding too
        return [f"{behaviour.key}: proof crashed: {type(exc).__name__}: {exc}"]


def verify_catalog(seed: int = 0) -> dict[str, list[str]]:
    """Every behaviour key -> its problems (an empty list when it proves itself).

    Each behaviour is built twice: with the default request, and with a request that
    carries the constraints the checkers verify (empty input is run; a performance
    constraint at the behaviour's own complexity must not be contradicted)."""
    from . import CATALOG

    out: dict[str, list[str]] = {}
    for key, b in CATALOG.items():
        rng = random.Random(f"{seed}:{key}")
        problems = verify_behaviour(b, default_request(b), rng)
        if not problems:
            declared = b.build(default_request(b))["execution"]["properties"]["complexity"]
            performance = {"type": "performance", "description": f"Runs in {declared} time", "formal_spec": declared}
            problems = verify_behaviour(b, default_request(b, constraints=(EMPTY_INPUT, performance)), rng)
        out[key] = problems
    return out
