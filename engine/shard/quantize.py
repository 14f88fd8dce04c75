"""Which dense vectors of a sealed segment get quantized codes, and building them.

Codes are built when the optimizer seals a segment (next to its graphs) and when it rebuilds one;
a changed quantization config (collection-wide or per vector) makes the optimizer re-index the
sealed segments. Appendable segments have no codes: they are small and searched exactly, as in
Qdrant. Multivectors are not quantized."""

from __future__ import annotations

from engine import distance as dist
from engine.quantization import QuantizationSpec, Quantized, build_quantized, effective_spec
from engine.segment import Segment
from engine.types.config import CollectionConfig, Datatype, Distance


def wanted_specs(config: CollectionConfig) -> dict[str, QuantizationSpec]:
    out: dict[str, QuantizationSpec] = {}
    for name, params in config.params.vectors.items():
        if params.multivector_config is not None:
            continue
        spec = effective_spec(config.quantization_config, params.quantization_config)
        if spec is not None:
            out[name] = spec
    return out


def built_specs(seg: Segment) -> dict[str, QuantizationSpec]:
    return {name: quantized.spec for name, quantized in seg.quantized.items()}


def quantize_segment(config: CollectionConfig, seg: Segment) -> dict[str, Quantized]:
    """Codes for every row of `seg` (a sealed segment: its dense rows never change) of each vector
    whose config asks for quantization."""
    out: dict[str, Quantized] = {}
    for name, spec in wanted_specs(config).items():
        column = seg.dense.get(name)
        if column is None:
            continue  # deleted since `config` was read (the caller drops such codes when it attaches them)
        column.ensure_capacity(seg.size)
        rows = column.float_prefix(seg.size)
        if column.datatype is Datatype.UINT8 and column.distance is Distance.COSINE:
            rows = dist.preprocess_many(Distance.COSINE, rows)  # raw bytes are stored; codes are of unit rows
        out[name] = build_quantized(spec, column.distance, rows)
    return out
