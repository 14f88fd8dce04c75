"""gRPC collection config and payload index schemas: the same engine config as REST, and
collection info that the stock client reads back as it reads REST's."""

from __future__ import annotations

from typing import Any

from qdrant_client import grpc as client_grpc
from qdrant_client.conversions.conversion import GrpcToRest

from engine.collection import CollectionInfo
from engine.types.payload_schema import PayloadSchema
from server.convert.collections import config_from_create, info_to_json
from server.convert.grpc.collections import create_from_pb, info_to_pb, update_body_from_pb
from server.convert.grpc.payload_schema import payload_schema_from_pb, payload_schema_info_to_pb
from server.convert.payload_schema import payload_schema_from_json
from server.pb import collections_pb2 as cpb
from server.pb import points_pb2 as ppb


def _create() -> Any:
    return cpb.CreateCollection(
        collection_name="c",
        vectors_config=cpb.VectorsConfig(params_map=cpb.VectorParamsMap(map={
            "a": cpb.VectorParams(size=4, distance=cpb.Cosine, on_disk=True,
                                  hnsw_config=cpb.HnswConfigDiff(m=8)),
            "b": cpb.VectorParams(size=2, distance=cpb.Manhattan, datatype=cpb.Float16),
        })),
        hnsw_config=cpb.HnswConfigDiff(ef_construct=50),
        optimizers_config=cpb.OptimizersConfigDiff(indexing_threshold=0, deleted_threshold=0.5),
        wal_config=cpb.WalConfigDiff(wal_capacity_mb=16),
        quantization_config=cpb.QuantizationConfig(scalar=cpb.ScalarQuantization(type=cpb.Int8, quantile=0.5)),
        replication_factor=2,
    )


REST_BODY = {
    "vectors": {"a": {"size": 4, "distance": "Cosine", "on_disk": True, "hnsw_config": {"m": 8}},
                "b": {"size": 2, "distance": "Manhattan", "datatype": "float16"}},
    "hnsw_config": {"ef_construct": 50},
    "optimizers_config": {"indexing_threshold": 0, "deleted_threshold": 0.5},
    "wal_config": {"wal_capacity_mb": 16},
    "quantization_config": {"scalar": {"type": "int8", "quantile": 0.5}},
    "replication_factor": 2,
}


def test_create_gives_the_rest_config() -> None:
    assert create_from_pb(_create()) == config_from_create(REST_BODY)


def test_unnamed_vector_and_defaults() -> None:
    request = cpb.CreateCollection(collection_name="c", vectors_config=cpb.VectorsConfig(
        params=cpb.VectorParams(size=3, distance=cpb.Dot)))
    assert create_from_pb(request) == config_from_create({"vectors": {"size": 3, "distance": "Dot"}})


def test_info_reads_back_like_rest() -> None:
    config = config_from_create(REST_BODY)
    schema = payload_schema_from_json({"type": "text", "tokenizer": "word", "lowercase": True})
    info = CollectionInfo(status="green", optimizer_status="ok", points_count=3, indexed_vectors_count=0,
                          segments_count=1, config=config, payload_schema={"t": (schema, 3)})
    wire = client_grpc.CollectionInfo.FromString(info_to_pb(info).SerializeToString())
    via_grpc = GrpcToRest.convert_collection_info(wire).model_dump(mode="json", exclude_none=True)
    rest = info_to_json(info)
    assert via_grpc["config"]["params"]["vectors"] == rest["config"]["params"]["vectors"]
    assert via_grpc["config"]["hnsw_config"] == rest["config"]["hnsw_config"]
    assert via_grpc["config"]["wal_config"] == rest["config"]["wal_config"]
    assert via_grpc["config"]["quantization_config"] == rest["config"]["quantization_config"]
    assert via_grpc["payload_schema"]["t"]["data_type"] == "text"
    assert via_grpc["payload_schema"]["t"]["points"] == 3
    assert via_grpc["points_count"] == 3 and via_grpc["status"] == "green"


def test_update_body() -> None:
    request = cpb.UpdateCollection(
        collection_name="c", hnsw_config=cpb.HnswConfigDiff(m=32),
        vectors_config=cpb.VectorsConfigDiff(params_map=cpb.VectorParamsDiffMap(map={
            "a": cpb.VectorParamsDiff(on_disk=False)})),
        quantization_config=cpb.QuantizationConfigDiff(disabled=cpb.Disabled()),
    )
    assert update_body_from_pb(request) == {"hnsw_config": {"m": 32}, "vectors": {"a": {"on_disk": False}},
                                            "quantization_config": "Disabled"}


def test_payload_index_schemas() -> None:
    plain = ppb.CreateFieldIndexCollection(field_name="k", field_type=ppb.FieldTypeKeyword)
    assert payload_schema_from_pb(plain) == PayloadSchema("keyword")
    text = ppb.CreateFieldIndexCollection(
        field_name="t", field_type=ppb.FieldTypeText,
        field_index_params=cpb.PayloadIndexParams(text_index_params=cpb.TextIndexParams(
            tokenizer=cpb.Prefix, lowercase=False, min_token_len=2,
            stemmer=cpb.StemmingAlgorithm(snowball=cpb.SnowballParams(language="english")))))
    expected = payload_schema_from_json({"type": "text", "tokenizer": "prefix", "lowercase": False,
                                         "min_token_len": 2,
                                         "stemmer": {"type": "snowball", "language": "english"}})
    assert payload_schema_from_pb(text) == expected
    info = payload_schema_info_to_pb(expected, 7)
    assert info.data_type == cpb.Text and info.points == 7
    assert info.params.text_index_params.tokenizer == cpb.Prefix
    assert info.params.text_index_params.stemmer.snowball.language == "english"
    keyword = ppb.CreateFieldIndexCollection(field_name="k", field_index_params=cpb.PayloadIndexParams(
        keyword_index_params=cpb.KeywordIndexParams(is_tenant=True, prefix=cpb.KeywordPrefixParams())))
    assert payload_schema_from_pb(keyword) == payload_schema_from_json(
        {"type": "keyword", "is_tenant": True, "prefix": True})
