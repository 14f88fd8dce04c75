"""Quantized copies of a sealed segment's dense vectors (scalar int8, binary 1/1.5/2 bits, product,
TurboQuant), scored with numpy; see `search` in engine/segment/quantized_search.py for how a
segment uses them."""

from engine.quantization.base import Quantized
from engine.quantization.build import build_quantized, restore_quantized
from engine.quantization.spec import QuantizationSpec, effective_spec, parse_spec

__all__ = ["Quantized", "QuantizationSpec", "build_quantized", "effective_spec", "parse_spec", "restore_quantized"]
