"""Calibrate the estimator to the user's own accelerator (``aifootprint calibrate``).

Modules (each imported on use; nothing happens at import time):

* :mod:`~aifootprint.calibrate.profile` — :class:`CalibrationProfile` (the TOML file), ``read_profile`` /
  ``write_profile``, and :func:`derive_profile`, which turns micro-benchmark readings into power-model parameters.
* :mod:`~aifootprint.calibrate.microbench_csv` — readings from a micro-benchmark CSV (``microbench.csv`` format).
* :mod:`~aifootprint.calibrate.backend` — the :class:`MicrobenchBackend` protocol, the benchmark plan, the runner
  and a deterministic fake; :mod:`~aifootprint.calibrate.torch_backend` — the real PyTorch + NVML backend.
* :mod:`~aifootprint.calibrate.config` — the user config (``[calibration] <accelerator> = "path"``).

Method and fields: ``docs/calibrate.md``.
"""

from __future__ import annotations
