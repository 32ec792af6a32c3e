"""What one NVML read costs, and how often its readings change: the facts the tracker's NVML read plan rests on.

Run on a machine with an NVIDIA GPU and nvidia-ml-py:  python benchmarks/gpu/nvml_probe.py [--gpu 0] [--out FILE.json]

Prints and writes (JSON):
- ``import_ms`` / ``init_ms``: ``import pynvml`` and ``nvmlInit()`` in this fresh process, with the RSS each adds;
- per query (``nvmlDeviceGetTotalEnergyConsumption``, ``…GetPowerUsage``, ``…GetProcessUtilization``,
  ``…GetComputeRunningProcesses``): wall and CPU time (user + system of this process) per call, median of 5 batches;
- ``binding``: aifootprint's own ctypes binding (``aifootprint.measure.sensors.nvml``, the tracker's default) beside
  pynvml: its import time and RSS in a fresh process, and each query's value from both (UUID, name, architecture,
  power limit, driver version, device count, energy counter, power, the compute processes and their memory, the
  per-process utilisation under the GEMM child), with ``agree`` per query: the check of the binding on a real
  driver;
- ``update``: how often the energy counter and the power reading change, polled at ~2 kHz for ``--poll-s`` seconds
  with the GPU idle and again under a bf16 GEMM loop in a child process (when PyTorch with CUDA is there): the
  median spacing between changes, and the number of changes.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Any

GEMM_CHILD = ("import time, torch\n"
              "a = torch.randn(8192, 8192, device='cuda:{gpu}', dtype=torch.bfloat16)\n"
              "print('ready', flush=True)\n"
              "t = time.time()\n"
              "while time.time() - t < {seconds}:\n"
              "    a @ a\n"
              "    torch.cuda.synchronize()\n")


def rss_mib() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def cost(fn: Any, calls: int) -> dict[str, float]:
    walls, cpus = [], []
    for _ in range(5):
        c0, t0 = time.process_time(), time.perf_counter()
        for _ in range(calls):
            fn()
        walls.append((time.perf_counter() - t0) / calls * 1e6)
        cpus.append((time.process_time() - c0) / calls * 1e6)
    return {"wall_us": statistics.median(walls), "cpu_us": statistics.median(cpus), "calls_per_batch": calls}


def changes(fn: Any, seconds: float) -> dict[str, Any]:
    """Poll ``fn`` at ~2 kHz; spacing between changed values."""
    times, last = [], fn()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        v = fn()
        if v != last:
            times.append(time.perf_counter())
            last = v
        time.sleep(0.0005)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    return {"changes": len(times), "median_gap_ms": statistics.median(gaps) * 1e3 if gaps else None,
            "min_gap_ms": min(gaps) * 1e3 if gaps else None, "max_gap_ms": max(gaps) * 1e3 if gaps else None}


def sensor_loops(gpu: int, seconds: float = 3.0) -> dict[str, Any]:
    """aifootprint's NvidiaSensor.read() at 10 Hz for ``seconds`` on a plain loop: CPU % of a core, with the
    tracked-process share (pids given, the tracker's default) and without."""
    try:
        from aifootprint.measure.sensors.nvidia import discover_nvidia
    except ImportError as exc:
        return {"error": repr(exc)}
    res: dict[str, Any] = {}
    for label, pids in (("with_process_share", lambda: {os.getpid()}), ("without", None)):
        sensor = discover_nvidia([str(gpu)], pids=pids)[0]
        sensor.read()
        c0, n = time.process_time(), int(seconds * 10)
        t_next = time.perf_counter()
        for _ in range(n):
            t_next += 0.1
            sensor.read()
            time.sleep(max(0.0, t_next - time.perf_counter()))
        res[label + "_cpu_pct"] = (time.process_time() - c0) / seconds * 100.0
        sensor.close()
    return res


BINDING_IMPORT = ("import time\n"
                  "def rss():\n"
                  "    for line in open('/proc/self/status'):\n"
                  "        if line.startswith('VmRSS:'): return int(line.split()[1]) / 1024.0\n"
                  "r0 = rss(); t = time.perf_counter()\n"
                  "from aifootprint.measure.sensors.nvml import Nvml\n"
                  "t1 = time.perf_counter(); r1 = rss(); n = Nvml(); n.nvmlInit(); t2 = time.perf_counter()\n"
                  "print((t1 - t) * 1e3, r1 - r0, (t2 - t1) * 1e3, rss() - r1)\n")


def binding_check(pynvml: Any, gpu: int) -> dict[str, Any]:
    """aifootprint's ctypes binding against pynvml on this driver (see the module docstring)."""
    try:
        from aifootprint.measure.sensors.nvml import Nvml
    except ImportError as exc:
        return {"error": f"aifootprint not importable: {exc}"}
    out: dict[str, Any] = {}
    done = subprocess.run([sys.executable, "-c", BINDING_IMPORT], capture_output=True, text=True, timeout=60)
    if done.returncode == 0:
        imp_ms, imp_mib, init_ms, init_mib = (float(x) for x in done.stdout.split())
        out.update(import_ms=imp_ms, import_rss_mib=imp_mib, init_ms=init_ms, init_rss_mib=init_mib)
    else:
        out["import_error"] = done.stderr.strip().splitlines()[-1:]
    ours = Nvml()
    ours.nvmlInit()
    hp, ho = pynvml.nvmlDeviceGetHandleByIndex(gpu), ours.nvmlDeviceGetHandleByIndex(gpu)

    def text(v: Any) -> str:
        return v.decode() if isinstance(v, bytes) else str(v)

    values: dict[str, tuple[Any, Any]] = {
        "count": (pynvml.nvmlDeviceGetCount(), ours.nvmlDeviceGetCount()),
        "driver": (text(pynvml.nvmlSystemGetDriverVersion()), ours.nvmlSystemGetDriverVersion()),
        "uuid": (text(pynvml.nvmlDeviceGetUUID(hp)), ours.nvmlDeviceGetUUID(ho)),
        "name": (text(pynvml.nvmlDeviceGetName(hp)), ours.nvmlDeviceGetName(ho)),
        "architecture": (pynvml.nvmlDeviceGetArchitecture(hp), ours.nvmlDeviceGetArchitecture(ho)),
        "power_limit_mw": (pynvml.nvmlDeviceGetEnforcedPowerLimit(hp), ours.nvmlDeviceGetEnforcedPowerLimit(ho)),
        "energy_mj": (pynvml.nvmlDeviceGetTotalEnergyConsumption(hp), ours.nvmlDeviceGetTotalEnergyConsumption(ho)),
        "power_mw": (pynvml.nvmlDeviceGetPowerUsage(hp), ours.nvmlDeviceGetPowerUsage(ho)),
    }
    out["values"] = {k: list(v) for k, v in values.items()}
    agree = {k: a == b for k, (a, b) in values.items()}
    agree["energy_mj"] = abs(values["energy_mj"][0] - values["energy_mj"][1]) < 1000  # read ~µs apart: < 1 J
    agree["power_mw"] = abs(values["power_mw"][0] - values["power_mw"][1]) <= 0.05 * max(values["power_mw"][0], 1)
    try:  # processes and utilisation under a GEMM child (needs torch with CUDA)
        child = subprocess.Popen([sys.executable, "-c", GEMM_CHILD.format(gpu=gpu, seconds=6)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(2.0)
        pp = sorted((int(p.pid), p.usedGpuMemory) for p in pynvml.nvmlDeviceGetComputeRunningProcesses(hp))
        po = sorted((int(p.pid), p.usedGpuMemory) for p in ours.nvmlDeviceGetComputeRunningProcesses(ho))
        out["values"]["processes"] = [pp, po]
        agree["processes"] = pp == po and len(po) > 0
        try:
            up = sorted(int(s.pid) for s in pynvml.nvmlDeviceGetProcessUtilization(hp, 0))
        except pynvml.NVMLError as exc:
            up = [str(exc)]
        try:
            uo = sorted(int(s.pid) for s in ours.nvmlDeviceGetProcessUtilization(ho, 0))
        except Exception as exc:
            uo = [repr(exc)]
        out["values"]["utilization_pids"] = [up, uo]
        agree["utilization_pids"] = set(uo) == set(up)
        child.wait()
    except Exception as exc:
        out["processes_error"] = repr(exc)
    out["agree"] = agree
    out["per_call_ours"] = {
        "nvmlDeviceGetTotalEnergyConsumption": cost(lambda: ours.nvmlDeviceGetTotalEnergyConsumption(ho), 200),
        "nvmlDeviceGetPowerUsage": cost(lambda: ours.nvmlDeviceGetPowerUsage(ho), 200)}
    ours.nvmlShutdown()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gpu", type=int, default=0)
    ap.add_argument("--poll-s", type=float, default=3.0)
    ap.add_argument("--out", default="")
    args = ap.parse_args()
    out: dict[str, Any] = {"python": sys.version.split()[0]}
    r0 = rss_mib()
    t0 = time.perf_counter()
    import pynvml

    out["import_ms"], r1 = (time.perf_counter() - t0) * 1e3, rss_mib()
    t0 = time.perf_counter()
    pynvml.nvmlInit()
    out["init_ms"], r2 = (time.perf_counter() - t0) * 1e3, rss_mib()
    out["import_rss_mib"], out["init_rss_mib"] = r1 - r0, r2 - r1
    h = pynvml.nvmlDeviceGetHandleByIndex(args.gpu)
    name = pynvml.nvmlDeviceGetName(h)
    out["gpu"] = name.decode() if isinstance(name, bytes) else str(name)
    out["driver"] = str(pynvml.nvmlSystemGetDriverVersion())
    queries = {
        "nvmlDeviceGetTotalEnergyConsumption": lambda: pynvml.nvmlDeviceGetTotalEnergyConsumption(h),
        "nvmlDeviceGetPowerUsage": lambda: pynvml.nvmlDeviceGetPowerUsage(h),
        "nvmlDeviceGetComputeRunningProcesses": lambda: pynvml.nvmlDeviceGetComputeRunningProcesses(h),
    }

    def util() -> Any:
        try:
            return pynvml.nvmlDeviceGetProcessUtilization(h, 0)
        except pynvml.NVMLError as exc:
            return str(exc)

    queries["nvmlDeviceGetProcessUtilization"] = util
    out["per_call"] = {}
    for qname, fn in queries.items():
        out["per_call"][qname] = cost(fn, 200)
        print(qname, out["per_call"][qname], flush=True)
    out["update"] = {"idle": {
        "energy": changes(lambda: pynvml.nvmlDeviceGetTotalEnergyConsumption(h), args.poll_s),
        "power": changes(lambda: pynvml.nvmlDeviceGetPowerUsage(h), args.poll_s)}}
    print("idle", out["update"]["idle"], flush=True)
    try:
        child = subprocess.Popen([sys.executable, "-c", GEMM_CHILD.format(gpu=args.gpu, seconds=2 * args.poll_s + 3)],
                                 stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None
        child.stdout.readline()
        time.sleep(1.0)
        out["update"]["gemm"] = {
            "energy": changes(lambda: pynvml.nvmlDeviceGetTotalEnergyConsumption(h), args.poll_s),
            "power": changes(lambda: pynvml.nvmlDeviceGetPowerUsage(h), args.poll_s)}
        print("gemm", out["update"]["gemm"], flush=True)
        child.wait()
    except Exception as exc:  # no torch/CUDA: idle figures only
        out["update"]["gemm"] = repr(exc)
    out["binding"] = binding_check(pynvml, args.gpu)
    print("binding", out["binding"], flush=True)
    out["sensor_read_10hz"] = sensor_loops(args.gpu)
    print("sensor_read_10hz", out["sensor_read_10hz"], flush=True)
    pynvml.nvmlShutdown()
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(out, fh, indent=2)
    print(json.dumps(out, indent=2))
    os._exit(0)


if __name__ == "__main__":
    main()
