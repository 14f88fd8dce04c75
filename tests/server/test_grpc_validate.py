"""The gRPC validation table (server/convert/grpc/validate.py): every rule names a real field or
oneof of a real message, and the walk builds Qdrant's paths and texts."""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pool

from engine.errors import ValidationError
from server.convert.grpc.validate import RULES, check
from server.pb import collections_pb2 as cpb
from server.pb import points_pb2 as ppb
from server.pb import qdrant_common_pb2 as common
from server.pb import snapshots_service_pb2  # noqa: F401  (registers the snapshot messages)


def test_every_rule_names_a_field_or_a_oneof_of_its_message() -> None:
    pool = descriptor_pool.Default()
    for name, rules in RULES.items():
        message = pool.FindMessageTypeByName(name)
        for field, kind, _ in rules:
            if field in message.fields_by_name:
                descriptor = message.fields_by_name[field]
                assert (kind == "nested") == (descriptor.message_type is not None), (name, field)
            else:
                assert field in message.oneofs_by_name and kind == "nested", (name, field)


def _message(request: object) -> str:
    with pytest.raises(ValidationError) as err:
        check(request)
    return err.value.message


def test_paths_and_texts() -> None:
    assert _message(ppb.SearchBatchPoints(collection_name="c", search_points=[
        ppb.SearchPoints(collection_name="c", limit=1), ppb.SearchPoints(collection_name="c", limit=0)])) == (
        "Validation error in body: [search_points[1].limit: value 0 invalid, must be 1 or larger]")
    assert _message(ppb.QueryPoints(collection_name="c", query=ppb.Query(nearest_with_mmr=ppb.NearestInputWithMmr(
        mmr=ppb.Mmr(diversity=1.5))))) == (
        "Validation error in body: [query.variant.mmr.diversity: value 1.5 invalid, must be from 0.0 to 1.0]")
    assert _message(ppb.QueryPoints(collection_name="c", query=ppb.Query(nearest_with_mmr=ppb.NearestInputWithMmr(
        mmr=ppb.Mmr(candidates_limit=20000))))) == (
        "Validation error in body: [query.variant.mmr.candidates_limit: value 20000 invalid, must be 16384 or smaller]")
    config = cpb.VectorsConfig(params_map=cpb.VectorParamsMap(map={"a": cpb.VectorParams(size=0)}))
    assert _message(cpb.CreateCollection(collection_name="c", vectors_config=config)) == (
        "Validation error in body: [vectors_config.config.map.[].size: value 0 invalid, must be from 1 to 65536]")
    assert _message(ppb.CountPoints(collection_name="a\0b")) == (
        'Validation error in body: [collection_name: collection name cannot contain "\0" char]')
    assert _message(cpb.CreateCollection(collection_name="a*b", vectors_config=cpb.VectorsConfig(
        params=cpb.VectorParams(size=2)))) == (
        'Validation error in body: [collection_name: collection name cannot contain "*" char]')


def test_valid_and_unlisted_messages_pass() -> None:
    check(ppb.QueryPoints(collection_name="c", limit=3, prefetch=[ppb.PrefetchQuery(limit=2)], timeout=1))
    check(ppb.SearchPoints(collection_name="c", limit=1, params=ppb.SearchParams(hnsw_ef=8)))
    check(common.PointId(num=1))  # no rules: nothing to check
