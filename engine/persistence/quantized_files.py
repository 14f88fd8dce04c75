"""Quantized codes in a segment's base: `quant-<i>-<array>.npy` per dense vector i (the index in the
base's sorted vector names), listed in segment.json under "quantization" as
{i: {"spec": {...}, "arrays": [...]}}. Optional (formats 1 and 2): a base without the key (every
base written before quantization existed) simply has no codes, and the optimizer's re-index rule
builds them when the config asks for some.

Codes are loaded into RAM, or memory-mapped when the original vectors are `on_disk` and the config
does not say `always_ram: true` (Qdrant: quantized vectors follow the placement of the original
storage unless `always_ram`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from engine.quantization import QuantizationSpec, effective_spec, restore_quantized
from engine.segment import Segment
from engine.types.config import CollectionConfig
from storage.arrays import load_array, open_array, save_array

PER_ROW = {"codes", "row_sq", "scales", "norms_sq"}
"""Arrays with one entry per stored vector (memory-mapped with on_disk vectors); the others are
trained parameters, always loaded."""


def write_quantized(seg: Segment, directory: Path, names: list[str]) -> dict[str, Any]:
    """Write the codes of `seg` (sealed: they never change) and return their segment.json entry."""
    entry: dict[str, Any] = {}
    for name, quantized in sorted(seg.quantized.items()):
        i = names.index(name)
        arrays = quantized.arrays()
        for field, array in arrays.items():
            save_array(directory / f"quant-{i}-{field}.npy", array)
        entry[str(i)] = {"spec": quantized.spec.to_plain(), "arrays": sorted(arrays)}
    return entry


def attach_quantized(seg: Segment, directory: Path, meta: dict[str, Any], config: CollectionConfig) -> None:
    """Load the codes stored in the base whose spec is still the configured one."""
    for key, entry in (meta.get("quantization") or {}).items():
        name = meta["names"][int(key)]
        params = config.params.vectors.get(name)
        if params is None or name not in seg.dense:
            continue
        spec = QuantizationSpec.from_plain(entry["spec"])
        if effective_spec(config.quantization_config, params.quantization_config) != spec:
            continue  # the config changed since: the optimizer re-indexes this segment
        mapped = bool(params.on_disk) and spec.always_ram is not True
        arrays = {field: (open_array if mapped and field in PER_ROW else load_array)(directory / f"quant-{key}-{field}.npy")
                  for field in entry["arrays"]}
        seg.quantized[name] = restore_quantized(spec, params.distance, arrays)
