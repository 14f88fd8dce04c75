"""Which quantization a vector space asks for: the stored `quantization_config` (REST-shaped dict,
or the gRPC message converted to one) read into one frozen spec, with Qdrant 1.19's defaults.

The vector's own `quantization_config` overrides the collection's (as in Qdrant). A config that
cannot be read yields None (no quantization) rather than an error: validation happens when the
collection is created or updated, this only decides how sealed segments are encoded."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Method(enum.Enum):
    SCALAR = "scalar"
    PRODUCT = "product"
    BINARY = "binary"
    TURBO = "turbo"


class BinaryEncoding(enum.Enum):
    ONE_BIT = "one_bit"
    TWO_BITS = "two_bits"
    ONE_AND_HALF_BITS = "one_and_half_bits"


class QueryEncoding(enum.Enum):
    """How a query is encoded against binary codes: `default`/`binary` like the stored vectors,
    `scalar4bits`/`scalar8bits` as a 4/8-bit scalar vector (asymmetric: more accurate, slower)."""

    DEFAULT = "default"
    BINARY = "binary"
    SCALAR4BITS = "scalar4bits"
    SCALAR8BITS = "scalar8bits"


class TurboBits(enum.Enum):
    BITS1 = "bits1"
    BITS1_5 = "bits1_5"
    BITS2 = "bits2"
    BITS4 = "bits4"


COMPRESSION_DIMS = {"x4": 1, "x8": 2, "x16": 4, "x32": 8, "x64": 16}
"""Product quantization: dimensions per one-byte code (a float32 dimension is 4 bytes)."""


@dataclass(frozen=True, slots=True)
class QuantizationSpec:
    method: Method
    quantile: float | None = None
    compression: str = "x16"
    encoding: BinaryEncoding = BinaryEncoding.ONE_BIT
    query_encoding: QueryEncoding = QueryEncoding.DEFAULT
    bits: TurboBits = TurboBits.BITS4
    always_ram: bool | None = None

    @property
    def default_rescore(self) -> bool:
        """Qdrant 1.19 rescores by default for binary and for TurboQuant below 4 bits; scalar, product
        and 4-bit TurboQuant answer their own scores unless `rescore: true` is asked for."""
        if self.method is Method.BINARY:
            return True
        return self.method is Method.TURBO and self.bits is not TurboBits.BITS4

    def to_plain(self) -> dict[str, Any]:
        return {"method": self.method.value, "quantile": self.quantile, "compression": self.compression,
                "encoding": self.encoding.value, "query_encoding": self.query_encoding.value,
                "bits": self.bits.value, "always_ram": self.always_ram}

    @classmethod
    def from_plain(cls, data: dict[str, Any]) -> QuantizationSpec:
        return cls(method=Method(data["method"]), quantile=data.get("quantile"), compression=data["compression"],
                   encoding=BinaryEncoding(data["encoding"]), query_encoding=QueryEncoding(data["query_encoding"]),
                   bits=TurboBits(data["bits"]), always_ram=data.get("always_ram"))


def _key(text: Any) -> str:
    return str(text).lower().replace("_", "")


def _enum(kind: type[enum.Enum], raw: Any, default: Any) -> Any:
    if raw is None:
        return default
    if isinstance(raw, dict):  # gRPC's BinaryQuantizationQueryEncoding {setting: ...}
        raw = raw.get("setting")
    for member in kind:
        if _key(member.value) == _key(raw):
            return member
    raise ValueError(raw)


def parse_spec(config: Any) -> QuantizationSpec | None:
    """The spec of one stored quantization config; None when absent, disabled or unreadable."""
    if not isinstance(config, dict) or len(config) != 1:
        return None
    (name, body), = config.items()
    body = body if isinstance(body, dict) else {}
    always_ram = body.get("always_ram")
    always_ram = always_ram if isinstance(always_ram, bool) else None
    try:
        match name:
            case "scalar":
                quantile = body.get("quantile")
                return QuantizationSpec(Method.SCALAR, quantile=None if quantile is None else float(quantile),
                                        always_ram=always_ram)
            case "product":
                compression = _key(body.get("compression", "x16"))
                if compression not in COMPRESSION_DIMS:
                    return None
                return QuantizationSpec(Method.PRODUCT, compression=compression, always_ram=always_ram)
            case "binary":
                return QuantizationSpec(
                    Method.BINARY, encoding=_enum(BinaryEncoding, body.get("encoding"), BinaryEncoding.ONE_BIT),
                    query_encoding=_enum(QueryEncoding, body.get("query_encoding"), QueryEncoding.DEFAULT),
                    always_ram=always_ram)
            case "turbo" | "turboquant":
                return QuantizationSpec(Method.TURBO, bits=_enum(TurboBits, body.get("bits"), TurboBits.BITS4),
                                        always_ram=always_ram)
    except (TypeError, ValueError):
        return None
    return None


def effective_spec(collection_config: Any, vector_config: Any) -> QuantizationSpec | None:
    """The vector's own config wins over the collection's."""
    if vector_config is not None:
        return parse_spec(vector_config)
    return parse_spec(collection_config)
