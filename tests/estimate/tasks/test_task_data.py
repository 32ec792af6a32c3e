"""task_models.csv: rebuilt byte for byte by its builder; provenance; FLOP-relevant values pinned to configs."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from aifootprint.estimate.tasks.models import get_task_model, task_models, vision_encoder_for

REPO = Path(__file__).resolve().parents[3]
DATA = REPO / "src" / "aifootprint" / "reference" / "data"


def test_builder_rebuilds_models_byte_for_byte(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "scripts"))
    try:
        spec = importlib.util.spec_from_file_location("build_task_models", REPO / "scripts" / "build_task_models.py")
        assert spec is not None and spec.loader is not None
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
    finally:
        sys.path.remove(str(REPO / "scripts"))
    (tmp_path / "sources").mkdir()
    for f in (DATA / "sources").glob("*.csv"):
        if f.name != "tasks.csv":
            shutil.copy(f, tmp_path / "sources" / f.name)
    mod.build_models(tmp_path)
    for name in ("task_models.csv", "task_models.toml", "sources/tasks.csv"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), name


@pytest.mark.parametrize(("key", "layers", "d_model"), [
    ("flux.1-dev", 57, 3072),       # 19 double + 38 single blocks, 24 heads × 128 (FLUX.1 transformer/config.json)
    ("sd-3.5-large", 38, 2432),     # 38 blocks, 38 heads × 64
    ("wan2.1-t2v-14b", 40, 5120),   # Wan2.1 14B config
    ("hunyuanvideo", 60, 3072),     # 20 dual + 40 single blocks
    ("whisper-large-v3", 32, 1280),  # Radford et al. 2022, Table 1
    ("bert-base-uncased", 12, 768),  # Devlin et al. 2019
])
def test_architecture_pins(key: str, layers: int, d_model: int) -> None:
    m = get_task_model(key)
    assert (m.layers, m.d_model) == (layers, d_model)


def test_every_row_cited_and_vision_mapping() -> None:
    for m in task_models():
        assert m.sources and m.year >= 2019 and m.status in {"S", "E", "D"}
        assert m.params_b > 0
    gemma = vision_encoder_for("gemma-3-27b")
    assert gemma is not None and gemma.tokens_per_image == 256  # Gemma 3 technical report, arXiv:2503.19786
    assert vision_encoder_for("llama-3.1-8b") is None
