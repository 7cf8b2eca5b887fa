"""Today's plan: the stretches a person usually does, and what a guided session adds."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence


def usual_plan(recent_slugs_newest_first: Sequence[str], default: Iterable[str],
               size: int = 4, exclude: Iterable[str] = ()) -> list[str]:
    """The ``size`` stretches logged most often recently (ties: the most recently used
    first), without ``exclude`` (e.g. stretches that made pain worse); the default
    plan when nothing has been logged yet."""
    skip = set(exclude)
    counts = Counter(s for s in recent_slugs_newest_first if s not in skip)
    if not counts:
        return [s for s in default if s not in skip][:size]
    first_seen = {}
    for i, slug in enumerate(recent_slugs_newest_first):
        first_seen.setdefault(slug, i)
    ranked = sorted(counts, key=lambda s: (-counts[s], first_seen[s]))
    return ranked[:size]


# The raise a running programme adds to a plan that has none (no helper needed).
PROGRAMME_RAISE = "slr-strap"


def guided_plan(plan: Sequence[str], raises: Iterable[str], programme_running: bool) -> list[str]:
    """The stretches of a guided session: the plan, and while a programme runs, its
    straight-leg raise (one of ``raises``) in every session."""
    if programme_running and not set(plan) & set(raises):
        return [*plan, PROGRAMME_RAISE]
    return list(plan)
