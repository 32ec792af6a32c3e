"""Cited constant tables of ``build_hardware_data.py``: the source list, the accelerators and the servers.

Every value is either a ``Spec(...)`` (looked up in ``<shared>/data/gpu-specs/gpu_specs.csv`` by the builder) or a
constant transcribed from ``<shared>/reference/facts.md`` section F with its citation in a comment and in
``source``. See the builder's docstring for the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

# --------------------------------------------------------------------------------------------------------------
# Sources defined by this builder: key -> (citation, url, licence, status)
# --------------------------------------------------------------------------------------------------------------

SOURCES: dict[str, tuple[str, str, str, str]] = {
    "GPU-SPECS-A": (
        "winston-zhang-orz, gpu-specs (data/specs.json), commit 4b0c72d, 2025; compiles NVIDIA datasheets",
        "https://github.com/winston-zhang-orz/gpu-specs", "Apache-2.0", "S",
    ),
    "GPU-DATASHEET-B": (
        "astroC86, gpu-datasheet (GPUDatasheet/README.md), commit 42c5eff, 2025; numeric facts from NVIDIA datasheets "
        "only (repository has no licence)", "https://github.com/astroC86/gpu-datasheet", "facts", "S"),
    "NV-V100-DS": (
        "NVIDIA, Tesla V100 datasheet",
        "https://images.nvidia.com/content/technologies/volt"
        "a/pdf/volta-v100-datasheet-update-us-1165301-r5.pdf",
        "facts", "S",
    ),
    "NV-NVLINK": (
        "NVIDIA, NVLink and NVLink Switch (data-centre page): total NVLink bandwidth per GPU by generation, 300 GB/s "
        "(2nd, Volta), 600 GB/s (3rd, Ampere), 900 GB/s (4th, Hopper), 1,800 GB/s (5th, Blackwell), both directions",
        "https://www.nvidia.com/en-us/data-center/nvlink/", "facts", "S",
    ),
    "PCIE-SIG": (
        "PCI-SIG, PCI Express Base Specification: x16 link rate per direction about 16 GB/s (Gen3, 8 GT/s), 32 GB/s "
        "(Gen4, 16 GT/s), 64 GB/s (Gen5, 32 GT/s) after 128b/130b encoding",
        "https://pcisig.com/specifications", "facts", "S",
    ),
    "NV-A100-DS": (
        "NVIDIA, A100 Tensor Core GPU datasheet",
        "https://www.nvidia.com/content/dam/en-zz/Solutions/Data-Cente"
        "r/a100/pdf/nvidia-a100-datasheet-us-nvidia-1758950-r4-web.pdf",
        "facts", "S",
    ),
    "NV-H100-DS": (
        "NVIDIA, H100 Tensor Core GPU datasheet",
        "https://resources.nvidia.com/en-us-tensor-core/nvidia-tensor-core-gpu-datasheet", "facts", "S",
    ),
    "NV-H200-DS": (
        "NVIDIA, H200 Tensor Core GPU datasheet (SC23)",
        "https://resources.nvidia.com/en-us-data-center-overvie"
        "w-mc/en-us-data-center-overview/hpc-datasheet-sc23-h200",
        "facts", "S",
    ),
    "NV-DGXB200-DS": (
        "NVIDIA, DGX B200 datasheet",
        "https://resources.nvidia.com/en-us-dgx-systems/dgx-b200-datasheet", "facts", "S",
    ),
    "NV-DGXB200-UG": (
        "NVIDIA, DGX B200 user guide (power supplies: 6 x 3.3 kW; ~14.3 kW max system power)",
        "https://docs.nvidia.com/dgx/dgxb200-user-guide/", "facts", "S",
    ),
    "NV-GB200-DS": (
        "NVIDIA, DGX SuperPOD with DGX GB200 systems datasheet (GB200 NVL72 rack totals)",
        "https://resources.nvidia.com/en-us-dgx-systems/dgx-superpod-gb200-datasheet", "facts", "S",
    ),
    "GB200-RACK": (
        "Secondary summaries of NVIDIA GB200 NVL72 rack power (~120 kW, 120-132 kW quoted): aiwiki.ai, awesomeagents.ai"
        " (as compiled in the project fact pack, section F)", "https://aiwiki.ai", "facts", "S"),
    "NV-L4-DS": (
        "NVIDIA, L4 Tensor Core GPU datasheet",
        "https://resources.nvidia.com/en-us-data-center-overview/l4-gpu-datasheet", "facts", "S",
    ),
    "NV-L40S-DS": (
        "NVIDIA, L40S GPU datasheet", "https://resources.nvidia.com/en-us-l40s/l40s-datasheet-28413", "facts", "S"),
    "HF-HW": (
        "Hugging Face, hardware pages (board power per GPU, e.g. L40S 350 W)",
        "https://huggingface.co/hardware", "facts", "S",
    ),
    "HF-GPU-CATALOG": (
        "RajBhope, gpu-runtime-predictor gpu_catalog.json (Hugging Face model repository): T4 320 GB/s, A10G 24 GB / "
        "600 GB/s", "https://huggingface.co/RajBhope/gpu-runtime-predictor/blob/main/gpu_catalog.json", "facts", "S"),
    "AWS-GPU-GIST": (
        "S. Prasanna, 'AWS GPU instances' table (TDP as reported by nvidia-smi: A10G 300 W; p4d A100 400 W), GitHub "
        "gist", "https://gist.github.com/shashankprasanna/10ebe6dc1ba1d8d93db17da4e2cc890e", "facts", "S"),
    "GLK-H100": (
        "G. Lockwood, 'H100' (digital garden): 700 W, 989.4 TFLOPS dense BF16, 3,957.8 TFLOPS sparse FP8",
        "https://www.glennklockwood.com/garden/processors/h100", "facts", "S",
    ),
    "MLC-INF41": (
        "MLCommons, Inference v4.1 results, system descriptions (H200 'TGP 700W'; 'AMD Instinct "
        "MI300X-NPS1-SPX-192GB-750W')", "https://github.com/mlcommons/inference_results_v4.1", "Apache-2.0", "S"),
    "MLC-INF60": (
        "MLCommons, Inference v6.0 results, Nebius system description ('B200 TGP 1000W')",
        "https://github.com/mlcommons", "Apache-2.0", "S",
    ),
    "VULTR-DOCS": (
        "Vultr documentation, GPU specification pages (B200 FP8 ~4.5 PFLOPS dense; MI300X 1,307 TFLOPS BF16)",
        "https://docs.vultr.com", "facts", "S",
    ),
    "AMD-MI250X": (
        "AMD, Instinct MI250X specifications (560 W, 383 TFLOPS FP16/BF16, 128 GB HBM2e, 3.2 TB/s), as reproduced in "
        "zexron.com launch coverage",
        "https://zexron.com/amd-mi250-x-aldebaran-as-mcm-with-up-to-479-teraflop-s-and-560-watt-tdp", "facts", "S",
    ),
    "GCP-TPU-V4": (
        "Google Cloud, TPU v4 documentation (275 TFLOPS bf16, 32 GiB HBM2, 1,200 GB/s; measured min/mean/max power "
        "per chip 90/170/192 W)",
        "https://cloud.google.com/tpu/docs/v4", "facts", "S",
    ),
    "GCP-TPU-V5E": (
        "Google Cloud, TPU v5e documentation (197 TFLOPS bf16, 393 TOPS int8, 16 GB HBM2, 819 GB/s)",
        "https://cloud.google.com/tpu/docs/v5e", "facts", "P",
    ),
    "GCP-TPU-V5P": (
        "Google Cloud, TPU v5p documentation (459 TFLOPS bf16, 95 GB HBM2e, 2,765 GB/s)",
        "https://cloud.google.com/tpu/docs/v5p", "facts", "P",
    ),
    "GA": (
        "Lannelongue, Grealey, Inouye, 'Green Algorithms: Quantifying the Carbon Footprint of Computation', Adv. Sci. "
        "2021; calculator data v3.0 (GreenAlgorithms/green-algorithms-tool, commit 30df2fe)",
        "https://github.com/GreenAlgorithms/green-algorithms-tool", "CC-BY-4.0", "P",
    ),
    "NV-PCF-H100": (
        "NVIDIA, HGX H100 Product Carbon Footprint summary (164 kgCO2e per H100 80GB), as used by EcoLogits",
        "https://ecologits.ai/latest/methodology/llm_inference/", "facts", "P",
    ),
    "ECO-METHOD": (
        "GenAI Impact, EcoLogits methodology 'LLM inference' (v0.9.1, commit 2d0a1c7): server without GPUs 1.2 kW for 8"
        " GPUs and 5,700 kgCO2e embodied (AWS p5.48xlarge via BoaviztAPI); 3-year lifetime",
        "https://github.com/genai-impact/ecologits/blob/main/docs/methodology/llm_inference.md", "MPL-2.0", "P",
    ),
    "EFOOT": (
        "Boavizta, e-footprint, efootprint/core/hardware/gpu_server.py (commit 29165b3): BLOOM defaults (400 W GPU, 50 "
        "W idle, 150 kgCO2e per GPU, 2,500 kgCO2e per server without GPU) citing Luccioni et al. 2022",
        "https://github.com/Boavizta/e-footprint", "AGPL-3.0", "P",
    ),
    "LLMC": (
        "Faiz et al., 'LLMCarbon: Modeling the End-to-End Carbon Footprint of Large Language Models', ICLR 2024; data "
        "from SotaroKaneda/MLCarbon (commit dbd96b7)", "https://github.com/SotaroKaneda/MLCarbon", "Apache-2.0", "P"),
}

# --------------------------------------------------------------------------------------------------------------
# Accelerators
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A value looked up in gpu_specs.csv: row ``name`` (of ``repo`` when the name is ambiguous), column
    ``column``, divided by ``per``."""

    name: str
    column: str
    per: float = 1.0
    repo: str = ""


# gpu_specs.csv column -> accelerators.csv column
_SPEC_COLUMNS = {
    "tdp_w": "max_power_w",
    "fp16_bf16_dense_tflops": "bf16_dense_tflops",
    "fp8_dense_tflops": "fp8_dense_tflops",
    "memory_gb": "memory_gb",
    "memory_bandwidth_gb_s": "bandwidth_gb_per_s",
}


def _from_specs(name: str, per: float = 1.0, skip: Sequence[str] = (), repo: str = "") -> dict[str, Spec]:
    return {ours: Spec(name, theirs, per, repo) for theirs, ours in _SPEC_COLUMNS.items() if ours not in skip}


# One dict per accelerator. Spec(...) values are read from gpu_specs.csv; plain numbers are transcribed from
# facts.md section F (citation in the comment and in `source`).
ACCELERATORS: list[dict[str, Any]] = [
    {
        "key": "v100", "name": "NVIDIA V100 SXM2 32GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "v100-sxm2|v100-32gb|tesla-v100|v100-sxm2-32gb", "release_year": 2017,
        **_from_specs("V100 SXM2"),
        "interconnect_gb_per_s": 150,  # NVLink 2: 300 GB/s both ways / 2 (NV-NVLINK)
        "source": "GPU-SPECS-A;NV-V100-DS;GA;NV-NVLINK", "year": 2017, "licence": "Apache-2.0", "status": "S",
        "notes": "bf16_dense_tflops holds the FP16 tensor-core figure (Volta has no BF16); a 16 GB variant also "
        "exists (same power and compute)",
    },
    {
        "key": "a100-40gb", "name": "NVIDIA A100 SXM4 40GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "a100-sxm4-40gb|a100-40g", "release_year": 2020,
        **_from_specs("A100 SXM4 40GB"),
        "interconnect_gb_per_s": 300,  # NVLink 3: 600 GB/s both ways / 2 (NV-NVLINK, NV-A100-DS)
        "source": "GPU-SPECS-A;NV-A100-DS;NV-NVLINK", "year": 2020, "licence": "Apache-2.0", "status": "S",
        "notes": "312 TFLOPS is the dense BF16/FP16 datasheet figure (624 with 2:4 sparsity); no FP8 on Ampere",
    },
    {
        "key": "a100-80gb", "name": "NVIDIA A100 SXM4 80GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "a100|a100-sxm4-80gb|a100-80g|a100-sxm", "release_year": 2020,
        **_from_specs("A100 SXM4 80GB"),
        # BLOOM assumptions (BL22), as coded in e-footprint defaults (facts.md D/F): 50 W idle, 150 kgCO2e per GPU
        "idle_power_w": 50, "embodied_carbon_kg": 150,
        "interconnect_gb_per_s": 300,  # NVLink 3: 600 GB/s both ways / 2 (NV-NVLINK, NV-A100-DS)
        "source": "GPU-SPECS-A;NV-A100-DS;BL22;EFOOT;NV-NVLINK", "year": 2020, "licence": "Apache-2.0", "status": "S",
        "notes": "specs S (gpu-specs); idle_power_w 50 W and embodied_carbon_kg 150 kgCO2e are BLOOM study "
        "assumptions (Luccioni et al. 2022; status E), whole GPU incl. memory; the bare name 'a100' resolves here",
    },
    {
        "key": "h100", "name": "NVIDIA H100 SXM5 80GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "h100-sxm|h100-80gb|h100-sxm5|h100-sxm-80gb|h100-80gb-hbm3", "release_year": 2022,
        **_from_specs("H100 SXM 80GB", skip=("max_power_w",)),
        "max_power_w": 700,  # facts.md F: 700 W (glennklockwood.com, S); Llama 3 model cards "H100-80GB (700 W)", P
        "embodied_carbon_kg": 164,  # facts.md F: NVIDIA HGX H100 PCF via EcoLogits, P
        "interconnect_gb_per_s": 450,  # NVLink 4: 900 GB/s both ways / 2 (NV-NVLINK)
        "source": "GPU-DATASHEET-B;NV-H100-DS;GLK-H100;LLAMA3-CARD;NV-PCF-H100;NV-NVLINK", "year": 2022,
        "licence": "facts",
        "status": "S",
        "notes": "dense = NVIDIA's sparse headline / 2 (1,979 -> 989.5 BF16; 3,958 -> 1,979 FP8); embodied 164 "
        "kgCO2e is NVIDIA's product carbon footprint of one H100 80GB board incl. HBM (status P)",
    },
    {
        "key": "h100-pcie", "name": "NVIDIA H100 PCIe 80GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "h100pcie|h100-pcie-80gb", "release_year": 2022,
        **_from_specs("H100 PCIe 80GB"),
        "interconnect_gb_per_s": 64,  # PCIe Gen5 x16 per direction (PCIE-SIG); NVLink bridges join pairs only
        "source": "GPU-SPECS-A;PCIE-SIG", "year": 2022, "licence": "Apache-2.0", "status": "S",
        "notes": "dense figures derived by gpu-specs as sparse / 2 (1,513 -> 756.5 BF16); source lists ~2 TB/s",
    },
    {
        "key": "h200", "name": "NVIDIA H200 SXM 141GB", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "h200-sxm|h200-141gb", "release_year": 2024,
        **_from_specs("H200 SXM 141GB", skip=("max_power_w",)),
        "max_power_w": 700,  # facts.md F: MLCommons inference v4.1 system JSON "H200 TGP 700W"
        "interconnect_gb_per_s": 450,  # NVLink 4: 900 GB/s both ways / 2 (NV-NVLINK)
        "source": "GPU-DATASHEET-B;NV-H200-DS;MLC-INF41;NV-NVLINK", "year": 2024, "licence": "facts", "status": "S",
        "notes": "same compute as H100 SXM (sparse 1,979 BF16 / 3,958 FP8 halved); 700 W TGP from an MLCommons "
        "system description",
    },
    {
        "key": "b200", "name": "NVIDIA B200 (HGX/DGX, 180GB)", "vendor": "NVIDIA", "kind": "gpu",
        "aliases": "b200-180gb|hgx-b200", "release_year": 2024,
        **_from_specs("DGX B200 (8x B200)", per=8, skip=("max_power_w",)),
        "max_power_w": 1000,  # facts.md F: MLCommons v6.0 Nebius JSON "B200 TGP 1000W"
        "interconnect_gb_per_s": 900,  # NVLink 5: 1,800 GB/s both ways / 2 (NV-NVLINK)
        "source": "GPU-DATASHEET-B;NV-DGXB200-DS;MLC-INF60;VULTR-DOCS;NV-NVLINK", "year": 2024, "licence": "facts",
        "status": "D",
        "notes": "per-GPU values derived from DGX B200 system totals / 8 (1,440 GB, 64 TB/s, 36 / 72 PFLOPS "
        "sparse BF16 / FP8, halved for dense); 192 GB is quoted elsewhere; 1,000 W TGP from an MLCommons system "
        "description",
    },
    {
        "key": "gb200", "name": "NVIDIA GB200 (per Blackwell GPU in an NVL72 rack)", "vendor": "NVIDIA",
        "kind": "gpu", "aliases": "gb200-gpu|gb200-nvl72-gpu", "release_year": 2024,
        **_from_specs("GB200 NVL72 (72x B200-class GPU)", per=72, skip=("max_power_w", "bandwidth_gb_per_s")),
        "bandwidth_gb_per_s": 8000,  # facts.md F: 8 TB/s per GPU (aiwiki.ai, awesomeagents.ai), S
        "interconnect_gb_per_s": 900,  # NVLink 5: 1,800 GB/s both ways / 2 (NV-NVLINK)
        "source": "GPU-DATASHEET-B;NV-GB200-DS;GB200-RACK;NV-NVLINK", "year": 2024, "licence": "facts", "status": "D",
        "notes": "per-GPU values derived from NVL72 rack totals / 72 (13.5 TB; 360 / 720 PFLOPS sparse BF16 / FP8, "
        "halved for dense); per-GPU power not published (~1,200 W quoted, unverified): use the gb200-nvl72 server "
        "row (~120 kW per rack incl. Grace CPUs and switches)",
    },
    {
        "key": "l4", "name": "NVIDIA L4", "vendor": "NVIDIA", "kind": "gpu", "aliases": "l4-24gb",
        "release_year": 2023, **_from_specs("L4"),
        "interconnect_gb_per_s": 32,  # PCIe Gen4 x16 per direction (PCIE-SIG; gpu-specs interconnect)
        "source": "GPU-SPECS-A;NV-L4-DS;PCIE-SIG", "year": 2023, "licence": "Apache-2.0", "status": "S",
        "notes": "dense figures from the datasheet (sparse 242 BF16 / 485 FP8)",
    },
    {
        "key": "l40s", "name": "NVIDIA L40S", "vendor": "NVIDIA", "kind": "gpu", "aliases": "l40s-48gb",
        "release_year": 2023, **_from_specs("L40S", skip=("max_power_w",), repo="winston-zhang-orz/gpu-specs"),
        "max_power_w": 350,  # facts.md F / caveat 12: 350 W (NVIDIA datasheet, HF hardware page) vs 300 W in gpu-specs
        "interconnect_gb_per_s": 32,  # PCIe Gen4 x16 per direction (PCIE-SIG; gpu-specs interconnect)
        "source": "GPU-SPECS-A;NV-L40S-DS;HF-HW;PCIE-SIG", "year": 2023, "licence": "Apache-2.0", "status": "S",
        "notes": "gpu-specs lists 300 W; NVIDIA and Hugging Face give 350 W (used here)",
    },
    {
        "key": "t4", "name": "NVIDIA T4", "vendor": "NVIDIA", "kind": "gpu", "aliases": "tesla-t4|t4-16gb",
        "release_year": 2018, **_from_specs("T4", skip=("bandwidth_gb_per_s",)),
        "bandwidth_gb_per_s": 320,  # facts.md F: 320 GB/s (HF gpu_catalog.json; GCP table) vs 300 in gpu-specs
        "interconnect_gb_per_s": 16,  # PCIe Gen3 x16 per direction (PCIE-SIG; gpu-specs interconnect)
        "source": "GPU-SPECS-A;HF-GPU-CATALOG;GA;PCIE-SIG", "year": 2018, "licence": "Apache-2.0", "status": "S",
        "notes": "bf16_dense_tflops holds the FP16 mixed-precision tensor figure (Turing has no BF16); gpu-specs "
        "lists 300 GB/s, other sources 320 GB/s (used); 70 W also in Green Algorithms",
    },
    {
        "key": "a10g", "name": "NVIDIA A10G (AWS G5)", "vendor": "NVIDIA", "kind": "gpu", "aliases": "a10g-24gb",
        "release_year": 2021,
        "max_power_w": 300,  # AWS-GPU-GIST: TDP reported by nvidia-smi on g5 instances, S
        "memory_gb": 24, "bandwidth_gb_per_s": 600,  # facts.md F (S) and HF-GPU-CATALOG
        "interconnect_gb_per_s": 32,  # PCIe Gen4 x16 per direction (PCIE-SIG; gpu-specs interconnect)
        "source": "AWS-GPU-GIST;HF-GPU-CATALOG;PCIE-SIG", "year": 2021, "licence": "facts", "status": "S",
        "notes": "AWS-specific variant of the A10; NVIDIA publishes no A10G datasheet, so tensor throughput is left "
        "empty (the A10's 125 TFLOPS does not apply as such); 300 W is the nvidia-smi power limit on g5 instances, "
        "one catalogue lists 150 W (the A10's figure)",
    },
    {
        "key": "mi250x", "name": "AMD Instinct MI250X", "vendor": "AMD", "kind": "gpu", "aliases": "instinct-mi250x",
        "release_year": 2021,
        # AMD-MI250X (AMD spec table reproduced by zexron.com): 560 W, 383 TF FP16/BF16, 128 GB, 3.2 TB/s
        "max_power_w": 560, "bf16_dense_tflops": 383, "memory_gb": 128, "bandwidth_gb_per_s": 3200,
        "source": "AMD-MI250X", "year": 2021, "licence": "facts", "status": "S",
        "notes": "two-die module; AMD's peak FP16/BF16 matrix figure (no sparsity); verified against a secondary "
        "copy of AMD's specification table, not AMD's page itself; no FP8 on CDNA2",
    },
    {
        "key": "mi300x", "name": "AMD Instinct MI300X", "vendor": "AMD", "kind": "gpu", "aliases": "instinct-mi300x",
        "release_year": 2023,
        "max_power_w": 750,  # facts.md F: MLCommons v4.1 AMD JSON "MI300X-NPS1-SPX-192GB-750W"
        "bf16_dense_tflops": 1307,  # facts.md F: docs.vultr.com, S
        "memory_gb": 192, "bandwidth_gb_per_s": 5300,  # facts.md F
        "source": "MLC-INF41;VULTR-DOCS", "year": 2023, "licence": "facts", "status": "S",
        "notes": "FP8 left empty: AMD's ~2,615 TFLOPS dense FP8 figure was not verified in the sources consulted",
    },
    {
        "key": "tpu-v4", "name": "Google TPU v4", "vendor": "Google", "kind": "tpu", "aliases": "tpuv4|v4",
        "release_year": 2021,
        # GCP-TPU-V4 (P): 275 TFLOPS bf16, 32 GiB HBM2, 1,200 GBps, measured min/mean/max power 90/170/192 W
        "max_power_w": 192, "bf16_dense_tflops": 275, "memory_gb": 34.36, "bandwidth_gb_per_s": 1200,
        "source": "GCP-TPU-V4;GA", "year": 2021, "licence": "facts", "status": "S",
        "notes": "max_power_w is Google's measured maximum (min/mean/max 90/170/192 W); Green Algorithms uses the "
        "mean, {GA:TPU v4} W, as TDP; memory is 32 GiB (= 34.36 GB)",
    },
    {
        "key": "tpu-v5e", "name": "Google TPU v5e", "vendor": "Google", "kind": "tpu",
        "aliases": "tpuv5e|v5e|v5litepod", "release_year": 2023,
        "bf16_dense_tflops": 197, "memory_gb": 16, "bandwidth_gb_per_s": 819,  # GCP-TPU-V5E, P
        "source": "GCP-TPU-V5E", "year": 2023, "licence": "facts", "status": "P",
        "notes": "393 TOPS int8 (no FP8 figure); Google publishes no per-chip power, left empty; HBM bandwidth also "
        "given as '800 GiBps'",
    },
    {
        "key": "tpu-v5p", "name": "Google TPU v5p", "vendor": "Google", "kind": "tpu", "aliases": "tpuv5p|v5p",
        "release_year": 2023,
        "bf16_dense_tflops": 459, "memory_gb": 95, "bandwidth_gb_per_s": 2765,  # GCP-TPU-V5P, P
        "source": "GCP-TPU-V5P", "year": 2023, "licence": "facts", "status": "P",
        "notes": "Google publishes no per-chip power, left empty",
    },
]  # fmt: skip

# --------------------------------------------------------------------------------------------------------------
# Servers
# --------------------------------------------------------------------------------------------------------------

SERVERS: list[dict[str, Any]] = [
    {
        "key": "dgx-a100", "name": "NVIDIA DGX A100 (8x A100 SXM4)", "accelerator": "a100-80gb",
        "accelerators_per_server": 8,
        "max_power_w": 6500,  # facts.md A/F: DGX A100 6.5 kW max (DV23, Q)
        "source": "DV23", "year": 2023, "licence": "facts", "status": "Q",
        "notes": "nameplate maximum; sold with 8x 40 GB or 8x 80 GB GPUs (same GPU power)",
    },
    {
        "key": "hgx-a100", "name": "NVIDIA HGX A100 8-GPU server (SemiAnalysis / de Vries 2023)",
        "accelerator": "a100-80gb", "accelerators_per_server": 8,
        "max_power_w": 6500,  # facts.md A: 3,617 HGX A100 servers; 512,821 servers x 6.5 kW (DV23, Q)
        "source": "DV23;EP25", "year": 2023, "licence": "facts", "status": "Q",
        "notes": "server power used in de Vries' ChatGPT and AI-search scenarios; Epoch notes it is peak power "
        "(~800 W per GPU all-in); GPU memory variant not stated",
    },
    {
        "key": "dgx-h100", "name": "NVIDIA DGX H100 (8x H100 SXM)", "accelerator": "h100",
        "accelerators_per_server": 8,
        "max_power_w": 10200,  # facts.md A/F: "DGX H100 server with 8 GPUs is rated at 10.2 kW" (EP25, P)
        "source": "EP25;DV23", "year": 2023, "licence": "facts", "status": "P",
        "notes": "nameplate maximum (Epoch spreadsheet); average draw is lower (~70% of peak per Epoch)",
    },
    {
        "key": "dgx-b200", "name": "NVIDIA DGX B200 (8x B200)", "accelerator": "b200", "accelerators_per_server": 8,
        "max_power_w": 14300,  # facts.md F: ~14.3 kW max (S via summary of NVIDIA docs); 6 x 3.3 kW PSUs (P)
        "source": "NV-DGXB200-UG", "year": 2024, "licence": "facts", "status": "S",
        "notes": "~14.3 kW maximum system power, 10U, six 3.3 kW power supplies",
    },
    {
        "key": "gb200-nvl72", "name": "NVIDIA GB200 NVL72 rack (72 Blackwell GPUs, 36 Grace CPUs)",
        "accelerator": "gb200", "accelerators_per_server": 72,
        "max_power_w": 120000,  # facts.md F: rack ~120 kW (120-132 kW quoted), S
        "source": "GB200-RACK;NV-GB200-DS", "year": 2024, "licence": "facts", "status": "S",
        "notes": "one rack treated as one 'server'; secondary sources quote 120-132 kW; includes CPUs, NVLink "
        "switches and rack overhead",
    },
    {
        "key": "aws-p5.48xlarge", "name": "AWS p5.48xlarge (8x H100 SXM)", "accelerator": "h100",
        "accelerators_per_server": 8,
        "host_power_w": 1200,  # ECO-METHOD: server without GPUs 1.2 kW for 8 installed GPUs, P
        "embodied_carbon_kg_excl_accelerators": 5700,  # ECO-METHOD: BoaviztAPI p5.48xlarge w/o GPUs, P
        "source": "ECO-METHOD", "year": 2025, "licence": "MPL-2.0", "status": "P",
        "notes": "EcoLogits' reference server: host (CPU, RAM, storage, network) power share 1.2 kW and embodied "
        "5,700 kgCO2e / 0.37 kgSbeq / 70,000 MJ excluding GPUs (BoaviztAPI); max power not published",
    },
    {
        "key": "bloom-jean-zay-a100", "name": "BLOOM training node, Jean Zay (8x A100 80GB)",
        "accelerator": "a100-80gb", "accelerators_per_server": 8,
        "embodied_carbon_kg_excl_accelerators": 2500,  # facts.md D/F: BL22 assumption via e-footprint, P
        "source": "BL22;EFOOT;BS22", "year": 2022, "licence": "facts", "status": "E",
        "notes": "2,500 kgCO2e per server without GPUs is an assumption of the BLOOM footprint study (with 150 kg "
        "per GPU); 8 GPUs per node per the BLOOM paper",
    },
    {
        "key": "aws-p4d.24xlarge", "name": "AWS p4d.24xlarge (8x A100 40GB)", "accelerator": "a100-40gb",
        "accelerators_per_server": 8,
        "source": "AWS-GPU-GIST", "year": 2020, "licence": "facts", "status": "S",
        "notes": "8x A100 40GB at 400 W each (nvidia-smi); host power and embodied carbon not published",
    },
]  # fmt: skip
