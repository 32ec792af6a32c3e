"""CPU TDP lookup for the utilisation x TDP estimate: cpuinfo model-name normalisation, exact and conservative
fuzzy matching against the ``cpus`` table, sockets and virtual-machine share, and the cited per-core default
(with a warning naming the model) when nothing matches.

Table values: CodeCarbon cpu_power.csv (CC-CPU, MIT) and Green Algorithms TDP_cpu.csv (GA-CPU, CC-BY-4.0); the
default 12 W/core is Green Algorithms TDP_cpu.csv row ``Any`` (Lannelongue et al., Adv. Sci. 2021).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aifootprint.measure.sensors.cpu_fallback import (
    DEFAULT_TDP_PER_CORE_W,
    CpuInfo,
    cpu_key,
    lookup_cpu_tdp,
    match_cpu,
    read_cpu_info,
    resolve_cpu_tdp,
)
from aifootprint.reference.registry import Registry, Table

TABLE = Registry().table("cpus")


def fake_proc(tmp_path: Path, model: str, sockets: int = 1, cores: int = 4, virtual: bool = False) -> str:
    flags = "fpu sse2 hypervisor" if virtual else "fpu sse2"
    blocks = [f"processor\t: {s * cores + c}\nmodel name\t: {model}\nphysical id\t: {s}\ncore id\t\t: {c}\n"
              f"flags\t\t: {flags}\n" for s in range(sockets) for c in range(cores)]
    proc = tmp_path / "proc"
    proc.mkdir()
    (proc / "cpuinfo").write_text("\n".join(blocks))
    return str(proc)


@pytest.mark.parametrize(("raw", "key"), [
    ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "xeon platinum 8375c"),
    ("AMD EPYC 7R13 Processor", "epyc 7r13"),
    ("AMD EPYC 7763 64-Core Processor", "epyc 7763"),
    ("Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz", "xeon e5-2686 v4"),
    ("11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz", "core i7-1165g7"),
    ("Intel(R) Core(TM)2 Duo CPU     E8400  @ 3.00GHz", "core 2 duo e8400"),
    ("AMD Ryzen 9 5900HX with Radeon Graphics", "ryzen 9 5900hx"),
    ("AMD A10-9600P RADEON R5, 10 COMPUTE CORES 4C+6G", "a10-9600p"),
    ("Intel(R) Xeon(R) Platinum 8480+", "xeon platinum 8480+"),
    ("Intel Core\xa0i7-2720QM", "core i7-2720qm"),
    ("AMD Ryzen 5 3580U Microsoft Surface® Edition", "ryzen 5 3580u microsoft surface edition"),
    ("AMD EPYC", "epyc"),
])  # fmt: skip
def test_cpu_key(raw: str, key: str) -> None:
    assert cpu_key(raw) == key


@given(st.text(alphabet=st.sampled_from("abcINTELamd0123456789 -+.()@,/®™\xa0"), max_size=40))
def test_cpu_key_is_idempotent(text: str) -> None:
    assert cpu_key(cpu_key(text)) == cpu_key(text)


@pytest.mark.parametrize(("model", "how", "key", "tdp_w"), [
    ("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", "exact", "xeon platinum 8375c", 300),  # CC-CPU
    ("AMD EPYC 7R13 Processor", "exact", "epyc 7r13", 225),                                  # CC-CPU
    ("Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz", "fuzzy", "core i7-920", 130),        # CC-CPU
    ("AMD Ryzen 5 3500 6-Core Processor", "fuzzy", "ryzen 5 3500 (oem only)", 65),          # CC-CPU
    ("AMD A10-9600P RADEON R5, 10 COMPUTE CORES 4C+6G", "fuzzy", "a10-9600p apu", 15),       # CC-CPU
])  # fmt: skip
def test_matches(model: str, how: str, key: str, tdp_w: float) -> None:
    found_how, rows = match_cpu(model, TABLE.rows)
    assert found_how == how
    assert rows[0]["key"] == key and rows[0]["tdp_w"] == tdp_w


@pytest.mark.parametrize("model", [
    "AMD EPYC",                                   # model hidden by the hypervisor: no model number
    "Intel(R) Xeon(R) CPU @ 2.20GHz",             # idem (Google Cloud)
    "Intel(R) Xeon(R) Platinum 8488C",            # not in either list
    "AMD Phenom(tm) II X4 945 Processor",         # only the (95W) and (125W) variants are listed
    "Imaginary CPU 9000",
])  # fmt: skip
def test_no_match_is_conservative(model: str) -> None:
    assert match_cpu(model, TABLE.rows) == ("none", [])


def test_ambiguous_fuzzy_match_is_no_match() -> None:
    rows = ({"key": "widget 1234 (65w)", "name": "Widget 1234 (65W)", "tdp_w": 65},
            {"key": "widget 1234 (oem)", "name": "Widget 1234 (OEM)", "tdp_w": 95})
    table = Table("cpus", ("key", "name", "tdp_w"), rows, "key")
    how, found = match_cpu("Widget 1234 (65W) Processor", table.rows)
    assert (how, found[0]["tdp_w"]) == ("exact", 65)
    how, found = match_cpu("Widget 1234", table.rows)  # "(65w)" is a digit token: only the OEM row qualifies
    assert (how, [r["tdp_w"] for r in found]) == ("fuzzy", [95])
    table2 = Table("cpus", ("key", "name", "tdp_w"), (rows[1], {**rows[1], "key": "widget 1234 x", "tdp_w": 5}),
                   "key")
    result = resolve_cpu_tdp(CpuInfo("Widget 1234", 4), table2)
    assert result.match == "default" and "several" in result.warning and "'Widget 1234'" in result.warning


def test_bare_metal_two_sockets(tmp_path: Path) -> None:
    """Xeon Platinum 8375C: 300 W per chip (CC-CPU) x 2 sockets."""
    proc = fake_proc(tmp_path, "Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", sockets=2, cores=32)
    assert read_cpu_info(proc) == CpuInfo("Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz", 64, 2, False)
    found = lookup_cpu_tdp(proc)
    assert (found.tdp_w, found.match, found.key, found.warning) == (600.0, "exact", "xeon platinum 8375c", "")
    assert "CC-CPU" in found.source and "2 socket" in found.source


def test_virtual_machine_share_of_the_chip(tmp_path: Path) -> None:
    """EPYC 7763: 280 W, 64 cores (GA-CPU): a VM seeing 2 cores gets 280 x 2/64 = 8.75 W."""
    proc = fake_proc(tmp_path, "AMD EPYC 7763 64-Core Processor", cores=2, virtual=True)
    found = lookup_cpu_tdp(proc)
    assert found.tdp_w == pytest.approx(8.75) and found.match == "exact"
    assert "2/64 cores" in found.source


def test_virtual_machine_without_core_count_keeps_default(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path, "AMD EPYC 7R13 Processor", cores=2, virtual=True)
    found = lookup_cpu_tdp(proc)
    assert (found.tdp_w, found.match) == (2 * DEFAULT_TDP_PER_CORE_W, "default")
    assert "'AMD EPYC 7R13 Processor'" in found.warning and "virtual machine" in found.warning


def test_unknown_cpu_keeps_cited_default_with_warning(tmp_path: Path) -> None:
    """Unknown model: Green Algorithms 12 W/core x physical cores, flagged as an estimated fallback, cited."""
    proc = fake_proc(tmp_path, "Imaginary CPU 9000", cores=6)
    found = lookup_cpu_tdp(proc)
    assert found.tdp_w == 6 * 12.0 and found.match == "default"
    assert "Green Algorithms" in found.source and "[estimated fallback]" in found.source
    assert "GA-CPU" in found.source and "GA-CPU" in Registry().sources()
    assert "model 'Imaginary CPU 9000' not found in the cpus table" in found.warning
    assert "--cpu-tdp-w" in found.warning


def test_missing_model_and_empty_table() -> None:
    assert "no model name" in resolve_cpu_tdp(CpuInfo("", 2)).warning
    empty = Table("cpus", ("key", "tdp_w"), (), "key")
    found = resolve_cpu_tdp(CpuInfo("AMD EPYC 7R13 Processor", 3), empty)
    assert (found.tdp_w, found.match) == (36.0, "default")


def test_fuzzy_match_warns(tmp_path: Path) -> None:
    proc = fake_proc(tmp_path, "Intel(R) Core(TM) i7 CPU         920  @ 2.67GHz", cores=4)
    found = lookup_cpu_tdp(proc)
    assert (found.tdp_w, found.match) == (130.0, "fuzzy")
    assert "approximately" in found.warning and "Intel Core i7-920" in found.warning
