"""The tensor-parallel all-reduce bandwidth of an accelerator without serving measurements is its own GPU-to-GPU
bandwidth (hardware registry ``interconnect_gb_per_s``), not the calibrated accelerator's NVLink.

Datasheet figures: NVLink 3 on A100 SXM4, 600 GB/s both directions (NVIDIA A100 datasheet; NVIDIA NVLink page:
300 / 600 / 900 / 1,800 GB/s per GPU for NVLink 2 / 3 / 4 / 5); PCIe Gen4 x16, 32 GB/s per direction (PCI-SIG) for
the L4 and L40S, which have no NVLink. The fitted GPUs' all-reduce bandwidths (``_calibration_fit``'s
``NVLINK_BUS_BYTES_PER_S``, cited there) must agree with the registry."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from aifootprint.estimate.calibration import load_calibration
from aifootprint.reference.hardware import get_accelerator

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def cf() -> Any:
    sys.path.insert(0, str(ROOT / "scripts"))
    import _calibration_fit

    return _calibration_fit


@pytest.mark.parametrize(("key", "gb_per_s"), [("v100", 150), ("a100-80gb", 300), ("h100", 450), ("h200", 450),
                                               ("b200", 900), ("h100-pcie", 64), ("l40s", 32), ("l4", 32),
                                               ("t4", 16)])
def test_registry_interconnect_is_the_datasheet_rate_per_direction(key: str, gb_per_s: float) -> None:
    acc = get_accelerator(key)
    assert acc.interconnect_gb_per_s == gb_per_s
    assert "NV-NVLINK" in acc.sources or "PCIE-SIG" in acc.sources


@pytest.mark.parametrize("key", ["a100-80gb", "a100-40gb", "v100", "l4", "l40s", "t4", "h100-pcie", "h200"])
def test_shipped_rows_use_their_own_interconnect(key: str) -> None:
    """Datasheet-scaled and micro-benchmark rows (built by scripts/build_calibration.py) carry the registry's rate."""
    assert load_calibration(key).allreduce_bytes_per_s == pytest.approx(
        get_accelerator(key).interconnect_gb_per_s * 1e9)  # type: ignore[operator]


def test_accelerators_without_a_published_interconnect_keep_the_calibrated_one() -> None:
    """MI300X's Infinity Fabric is not in the registry: the H100's NVLink rate is carried (status E row)."""
    cal = load_calibration("mi300x")
    assert get_accelerator("mi300x").interconnect_gb_per_s is None
    assert cal.allreduce_bytes_per_s == load_calibration("h100").allreduce_bytes_per_s and cal.estimated


def test_fitted_rows_agree_with_the_registry(cf: Any) -> None:
    for key, bus in cf.NVLINK_BUS_BYTES_PER_S.items():
        assert get_accelerator(key).interconnect_gb_per_s * 1e9 == bus


def test_scale_to_takes_the_target_interconnect(cf: Any) -> None:
    src = load_calibration("h100")
    assert cf.scale_to(src, cf.get_spec("l40s")).allreduce_bytes_per_s == 32e9
    spec = cf.get_spec("mi300x")
    assert cf.scale_to(src, spec).allreduce_bytes_per_s == src.allreduce_bytes_per_s


def test_all_reduce_time_per_token_scales_with_the_interconnect() -> None:
    """Llama-3.1-70B (80 layers, 8,192 × 2 bytes per token) on 8 GPUs: 2 all-reduces per layer, each moving
    2 (n − 1)/n of the token's bytes (ring; Megatron-LM): per token 80 × 2 × 16,384 × 1.75 B = 4.59 MB, i.e.
    143 µs over PCIe Gen4 (L40S, 32 GB/s) and 15.3 µs over NVLink 3 (A100, 300 GB/s)."""
    from aifootprint.estimate.physics import allreduce_terms

    per_tok = {k: allreduce_terms(8.0, 80.0, 16384.0, load_calibration(k).device())[1] for k in ("l40s", "a100-80gb")}
    assert per_tok["l40s"] == pytest.approx(80 * 2 * 16384 * 1.75 / 32e9)
    assert per_tok["a100-80gb"] == pytest.approx(15.3e-6, rel=0.01)
