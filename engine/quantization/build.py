"""Building a quantized store from a column's rows, and restoring one from persisted arrays."""

from __future__ import annotations

import numpy as np

from engine.quantization.base import Quantized
from engine.quantization.binary import BinaryQuantized
from engine.quantization.product import ProductQuantized
from engine.quantization.scalar import ScalarQuantized
from engine.quantization.spec import Method, QuantizationSpec
from engine.quantization.turbo import TurboQuantized
from engine.types.config import Distance

_KINDS: dict[Method, type[ScalarQuantized | BinaryQuantized | ProductQuantized | TurboQuantized]] = {
    Method.SCALAR: ScalarQuantized, Method.BINARY: BinaryQuantized, Method.PRODUCT: ProductQuantized,
    Method.TURBO: TurboQuantized,
}


def build_quantized(spec: QuantizationSpec, distance: Distance, rows: np.ndarray) -> Quantized:
    """Codes of every row (n×dim float32 in the space's scoring form: Cosine rows unit length).
    Rows of points without the vector are zero; they are never candidates."""
    return _KINDS[spec.method].build(spec, distance, np.asarray(rows, dtype=np.float32))


def restore_quantized(spec: QuantizationSpec, distance: Distance, arrays: dict[str, np.ndarray]) -> Quantized:
    return _KINDS[spec.method].restore(spec, distance, arrays)
