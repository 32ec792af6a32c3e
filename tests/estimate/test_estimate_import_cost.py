"""Importing the estimator is cheap (issue 12: ``from aifootprint.estimate import RequestEstimator`` took 49 ms over
bare Python; target <= 30 ms): it loads neither typing nor dataclasses (with inspect, ast, dis, tokenize), numpy or
the reference tables; the physics, the configuration class and the registry load with the first estimator, and the
result still matches the pinned values (test_estimate_result_pins.py)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = {"typing", "dataclasses", "inspect", "ast", "numpy", "re", "aifootprint.reference.registry",
         "aifootprint.notice", "aifootprint.estimate.physics", "aifootprint.estimate.config"}


def test_importing_the_estimator_imports_nothing_heavy() -> None:
    """Modules loaded by the import and not by Python's own start-up (the child prints both lists)."""
    probe = ("import sys\nstartup = set(sys.modules)\nfrom aifootprint.estimate import RequestEstimator\n"
             "loaded = sorted(set(sys.modules) - startup)\nimport json\nprint(json.dumps(loaded))")
    loaded = json.loads(subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                                       check=True).stdout)
    assert "aifootprint.estimate.inference" in loaded
    assert not set(loaded) & HEAVY, sorted(set(loaded) & HEAVY)


def test_names_moved_out_of_inference_are_the_same_objects() -> None:
    """``RequestConfig`` and the sizing helpers still import from :mod:`.inference` (PEP 562), as the same objects."""
    from aifootprint.estimate import RequestConfig as a
    from aifootprint.estimate import config, inference, sizing
    from aifootprint.estimate.inference import RequestConfig as b

    assert a is b is config.RequestConfig
    assert inference.accelerators_needed is sizing.accelerators_needed
    assert inference.MEMORY_UTILIZATION == sizing.MEMORY_UTILIZATION == 0.9


def test_the_one_shot_names_still_import_from_inference() -> None:
    """``estimate_request`` and ``estimator_for`` live in :mod:`.estimators` (inference.py stays under ~500 lines);
    the imports users write still work, as the same objects."""
    from aifootprint.estimate import estimate_request as a
    from aifootprint.estimate import estimators, inference
    from aifootprint.estimate.inference import estimate_request as b
    from aifootprint.estimate.inference import estimator_for

    assert a is b is estimators.estimate_request
    assert estimator_for is estimators.estimator_for
    assert inference.ESTIMATOR_CACHE_SIZE == estimators.ESTIMATOR_CACHE_SIZE
    assert estimator_for("llama-3.1-8b") is estimator_for("llama-3.1-8b")


def test_estimate_is_a_named_tuple_of_the_documented_fields() -> None:
    from aifootprint.estimate.inference import ESTIMATE_FIELDS, RequestEstimate, RequestEstimator

    r = RequestEstimator("llama-3.1-8b").estimate(500, 300)
    assert isinstance(r, RequestEstimate) and r._fields == ESTIMATE_FIELDS
    assert r.energy_wh == r[0] == sum(r.breakdown_wh().values())


def test_the_sizing_names_still_import_from_inference() -> None:
    """The accelerator-count methods live in :mod:`.request_sizing` (the estimator's base class; inference.py stays
    under ~500 lines); ``context_error`` and the cache sizes import from :mod:`.inference` as before."""
    from aifootprint.estimate import inference, request_sizing
    from aifootprint.estimate.inference import RequestEstimator, context_error

    assert context_error is request_sizing.context_error
    assert inference.COUNT_CACHE_SIZE == request_sizing.COUNT_CACHE_SIZE
    assert inference.TOO_LARGE_CACHE_SIZE == request_sizing.TOO_LARGE_CACHE_SIZE
    assert RequestEstimator.accelerators_for is request_sizing.RequestSizing.accelerators_for
    assert RequestEstimator("llama-3.1-8b").accelerators_for(500, 300) == 1
