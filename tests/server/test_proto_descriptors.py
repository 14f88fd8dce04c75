"""Our generated gRPC descriptors (``server.pb``) equal the ones bundled with qdrant-client.

Each side is imported in its own subprocess, which dumps a ``FileDescriptorSet``; the test
process then loads each set into a separate ``DescriptorPool`` (proving every type resolves)
and compares them fact by fact: files, messages (recursively nested), fields, oneofs, enums
and values, services and rpcs. Every difference is listed in the failure message.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from google.protobuf import descriptor_pb2 as d
from google.protobuf import descriptor_pool, text_format
from google.protobuf.message import Message

REPO_ROOT = Path(__file__).resolve().parents[2]
QDRANT_FILES = {
    "collections.proto",
    "collections_service.proto",
    "json_with_int.proto",
    "points.proto",
    "points_service.proto",
    "qdrant.proto",
    "qdrant_common.proto",
    "snapshots_service.proto",
}
# Counted from the descriptors bundled with qdrant-client 1.19.1 (the "51 RPCs").
EXPECTED_RPCS = {"qdrant.Collections": 14, "qdrant.Points": 30, "qdrant.Snapshots": 6, "qdrant.Qdrant": 1}

# Imports every *_pb2 module of one package (and nothing else generated) and writes the
# transitive closure of their files, dependencies first, as a FileDescriptorSet to stdout.
DUMP_SCRIPT = r"""
import importlib, importlib.util, pathlib, sys
from google.protobuf import descriptor_pb2
package = sys.argv[1]
directory = pathlib.Path(importlib.util.find_spec(package).submodule_search_locations[0])
files, seen = [], set()
def visit(fd):
    if fd.name in seen:
        return
    seen.add(fd.name)
    for dep in fd.dependencies:
        visit(dep)
    proto = descriptor_pb2.FileDescriptorProto()
    fd.CopyToProto(proto)
    files.append(proto)
for path in sorted(directory.glob("*_pb2.py")):
    visit(importlib.import_module(f"{package}.{path.stem}").DESCRIPTOR)
sys.stdout.buffer.write(descriptor_pb2.FileDescriptorSet(file=files).SerializeToString())
"""


def dump_descriptor_set(package: str) -> d.FileDescriptorSet:
    result = subprocess.run(
        [sys.executable, "-c", DUMP_SCRIPT, package],
        cwd=REPO_ROOT,
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    return d.FileDescriptorSet.FromString(result.stdout)


@pytest.fixture(scope="module")
def theirs() -> d.FileDescriptorSet:
    return dump_descriptor_set("qdrant_client.grpc")


@pytest.fixture(scope="module")
def ours() -> d.FileDescriptorSet:
    return dump_descriptor_set("server.pb")


def build_pool(fds: d.FileDescriptorSet) -> descriptor_pool.DescriptorPool:
    """A private pool (not the default one) holding every file of ``fds``."""
    pool = descriptor_pool.DescriptorPool()
    for fdp in fds.file:
        pool.Add(fdp)
    return pool


# --- facts ------------------------------------------------------------------------------------

Facts = dict[str, dict[str, object]]


def _options(options: Message) -> str:
    return text_format.MessageToString(options, as_one_line=True)


def _enum_facts(
    scope: str, enums: Iterable[d.EnumDescriptorProto]
) -> Iterator[tuple[str, dict[str, object]]]:
    for enum in enums:
        full = f"{scope}.{enum.name}"
        yield (
            f"enum {full}",
            {
                "values": [v.name for v in enum.value],
                "options": _options(enum.options),
                "reserved": [(r.start, r.end) for r in enum.reserved_range] + list(enum.reserved_name),
            },
        )
        for value in enum.value:
            yield (
                f"enum value {full}.{value.name}",
                {"number": value.number, "options": _options(value.options)},
            )


def _message_facts(
    scope: str, messages: Iterable[d.DescriptorProto]
) -> Iterator[tuple[str, dict[str, object]]]:
    for msg in messages:
        full = f"{scope}.{msg.name}"
        yield (
            f"message {full}",
            {
                "fields": [f.name for f in msg.field],
                "nested": [m.name for m in msg.nested_type],
                "oneofs": [(o.name, _options(o.options)) for o in msg.oneof_decl],
                "options": _options(msg.options),
                "reserved": [(r.start, r.end) for r in msg.reserved_range] + list(msg.reserved_name),
                "extensions": [_options(e) for e in msg.extension]
                + [_options(r) for r in msg.extension_range],
            },
        )
        for field in msg.field:
            oneof = msg.oneof_decl[field.oneof_index].name if field.HasField("oneof_index") else None
            yield (
                f"field {full}.{field.name}",
                {
                    "number": field.number,
                    "type": d.FieldDescriptorProto.Type.Name(field.type),
                    "type_name": field.type_name,
                    "label": d.FieldDescriptorProto.Label.Name(field.label),
                    "oneof_index": field.oneof_index if field.HasField("oneof_index") else None,
                    "oneof": oneof,
                    "proto3_optional": field.proto3_optional,
                    "default": field.default_value if field.HasField("default_value") else None,
                    "json_name": field.json_name if field.HasField("json_name") else None,
                    "extendee": field.extendee,
                    "options": _options(field.options) if field.HasField("options") else None,
                },
            )
        yield from _enum_facts(full, msg.enum_type)
        yield from _message_facts(full, msg.nested_type)


def descriptor_facts(fds: d.FileDescriptorSet, names: set[str]) -> Facts:
    """Every wire fact of the named files, keyed by what it describes."""
    facts: Facts = {}
    for fdp in fds.file:
        if fdp.name not in names:
            continue
        facts[f"file {fdp.name}"] = {
            "package": fdp.package,
            "syntax": fdp.syntax,
            "dependencies": list(fdp.dependency),
            "public": list(fdp.public_dependency),
            "options": _options(fdp.options),
            "messages": [m.name for m in fdp.message_type],
            "enums": [e.name for e in fdp.enum_type],
            "services": [s.name for s in fdp.service],
            "extensions": [_options(e) for e in fdp.extension],
        }
        scope = fdp.package
        facts.update(_message_facts(scope, fdp.message_type))
        facts.update(_enum_facts(scope, fdp.enum_type))
        for service in fdp.service:
            full = f"{scope}.{service.name}"
            facts[f"service {full}"] = {
                "rpcs": [m.name for m in service.method],
                "options": _options(service.options),
            }
            for method in service.method:
                facts[f"rpc {full}/{method.name}"] = {
                    "input": method.input_type,
                    "output": method.output_type,
                    "client_streaming": method.client_streaming,
                    "server_streaming": method.server_streaming,
                    "options": _options(method.options) if method.HasField("options") else None,
                }
    return facts


def fact_differences(expected: Facts, actual: Facts) -> list[str]:
    problems = [f"missing: {key}" for key in expected if key not in actual]
    problems += [f"unexpected: {key}" for key in actual if key not in expected]
    for key in expected.keys() & actual.keys():
        for attr in expected[key].keys() | actual[key].keys():
            want, got = expected[key].get(attr), actual[key].get(attr)
            if want != got:
                problems.append(f"{key}: {attr} is {got!r}, qdrant-client has {want!r}")
    return sorted(problems)


# --- tests ------------------------------------------------------------------------------------


def test_generated_files_are_qdrants_files(theirs: d.FileDescriptorSet, ours: d.FileDescriptorSet) -> None:
    assert {f.name for f in theirs.file} - {"google/protobuf/timestamp.proto"} == QDRANT_FILES
    assert {f.name for f in ours.file} - {"google/protobuf/timestamp.proto"} == QDRANT_FILES


def test_every_wire_fact_matches_qdrant_client(
    theirs: d.FileDescriptorSet, ours: d.FileDescriptorSet
) -> None:
    expected, actual = descriptor_facts(theirs, QDRANT_FILES), descriptor_facts(ours, QDRANT_FILES)
    problems = fact_differences(expected, actual)
    assert not problems, f"{len(problems)} differences:\n" + "\n".join(problems)
    # Sanity: the walk really reached the nested levels and every kind of fact.
    kinds = {key.split(" ")[0] for key in expected}
    assert kinds == {"file", "message", "field", "enum", "service", "rpc"}
    assert "message qdrant.VectorParamsMap.MapEntry" in expected
    assert "field qdrant.PointStruct.payload" in expected


def test_file_descriptors_are_equal_as_a_whole(
    theirs: d.FileDescriptorSet, ours: d.FileDescriptorSet
) -> None:
    """Catch-all for anything the fact walk does not name (compared as whole messages)."""
    by_name = {f.name: f for f in ours.file}
    unequal = [f.name for f in theirs.file if f.name in QDRANT_FILES and by_name.get(f.name) != f]
    assert not unequal


def test_comparison_reports_each_kind_of_difference(theirs: d.FileDescriptorSet) -> None:
    """The comparison is not vacuous: mutations of a copy show up as named differences."""
    mutated = d.FileDescriptorSet()
    mutated.CopyFrom(theirs)
    points = next(f for f in mutated.file if f.name == "points.proto")
    point_struct = next(m for m in points.message_type if m.name == "PointStruct")
    point_struct.field[0].number = 99
    point_struct.field[1].proto3_optional = True
    service_file = next(f for f in mutated.file if f.name == "points_service.proto")
    service_file.service[0].method[0].server_streaming = True
    del service_file.service[0].method[-1]
    problems = fact_differences(
        descriptor_facts(theirs, QDRANT_FILES), descriptor_facts(mutated, QDRANT_FILES)
    )
    joined = "\n".join(problems)
    assert f"field qdrant.PointStruct.{point_struct.field[0].name}: number is 99" in joined
    assert f"field qdrant.PointStruct.{point_struct.field[1].name}: proto3_optional is True" in joined
    assert "rpc qdrant.Points/Upsert: server_streaming is True" in joined
    assert any(p.startswith("missing: rpc qdrant.Points/") for p in problems)


def test_rpc_count_per_service(theirs: d.FileDescriptorSet, ours: d.FileDescriptorSet) -> None:
    their_pool, our_pool = build_pool(theirs), build_pool(ours)
    for name, count in EXPECTED_RPCS.items():
        ours_service = our_pool.FindServiceByName(name)
        theirs_service = their_pool.FindServiceByName(name)
        assert len(ours_service.methods) == len(theirs_service.methods) == count, name
        for method in ours_service.methods:
            twin = theirs_service.methods_by_name[method.name]
            assert method.input_type.full_name == twin.input_type.full_name
            assert method.output_type.full_name == twin.output_type.full_name
    assert sum(EXPECTED_RPCS.values()) == 51


def test_generated_modules_resolve_in_a_private_pool(ours: d.FileDescriptorSet) -> None:
    pool = build_pool(ours)
    point = pool.FindMessageTypeByName("qdrant.PointStruct")
    assert point.fields_by_name["id"].message_type.full_name == "qdrant.PointId"
    assert pool.FindEnumTypeByName("qdrant.Distance").values_by_name["Cosine"].number == 1
