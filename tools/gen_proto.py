"""Regenerate Quiver's gRPC wire definitions: ``proto/*.proto`` and the ``server.pb`` package.

Two steps, both deterministic:

1. **render** — read the serialized ``FileDescriptorProto`` of every ``*_pb2.py`` module bundled
   with the installed qdrant-client (parsed from the module source with ``ast``, so neither
   qdrant_client nor its descriptors are imported) and write equivalent ``.proto`` text to
   ``proto/`` with ``tools.proto_render``.
2. **compile** — run ``grpc_tools.protoc`` over ``proto/*.proto`` into ``server/pb/`` (``*_pb2.py``,
   ``*_pb2.pyi``, ``*_pb2_grpc.py``), then rewrite protoc's top-level sibling imports
   (``import collections_pb2``, which would shadow the stdlib ``collections``) into
   package-absolute ones (``from server.pb import collections_pb2``), and drop the ``.pyi``
   lines protoc writes for keyword-named enum values (``None: ...``, not valid Python).

The proto file names stay Qdrant's own (``points.proto``, ...), so our serialized descriptors
equal the client's and both may live in one process's default descriptor pool.

Usage (from the repository root)::

    .venv/bin/python -m tools.gen_proto                 # render + compile in place
    .venv/bin/python -m tools.gen_proto --compile-only  # proto/ was edited by hand: compile only
    .venv/bin/python -m tools.gen_proto --proto-dir /tmp/p --pb-dir /tmp/pb   # elsewhere
"""

from __future__ import annotations

import argparse
import ast
import importlib.resources
import importlib.util
import keyword
import re
import shutil
import sys
import tempfile
from pathlib import Path

from google.protobuf import descriptor_pb2, timestamp_pb2

from tools.proto_render import render_file

REPO_ROOT = Path(__file__).resolve().parent.parent
PB_PACKAGE = "server.pb"
HEADER = (
    "Qdrant gRPC API (package qdrant), reconstructed from the descriptors bundled with\n"
    "qdrant-client {version} by tools/gen_proto.py. Regenerate with `make proto`."
)
PB_INIT = '''"""Generated protobuf and gRPC modules for Qdrant's gRPC API (package ``qdrant``).

Built from ``proto/*.proto`` by ``tools/gen_proto.py`` with grpcio-tools {tools_version}; do not
edit by hand. Import modules explicitly, e.g. ``from server.pb import points_pb2``.
"""

GRPCIO_TOOLS_VERSION = "{tools_version}"
QDRANT_CLIENT_VERSION = "{client_version}"
'''
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")


class GenerationError(RuntimeError):
    """Regeneration could not proceed (missing input, protoc failure, unexpected output)."""


def qdrant_client_dir() -> Path:
    """The installed qdrant_client package directory, located without importing it."""
    spec = importlib.util.find_spec("qdrant_client")
    if spec is None or not spec.submodule_search_locations:
        raise GenerationError("qdrant-client is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def qdrant_client_version() -> str:
    from importlib.metadata import version

    return version("qdrant-client")


def serialized_descriptor(module_path: Path) -> bytes:
    """The bytes literal passed to ``AddSerializedFile`` in a protoc-generated ``*_pb2.py``."""
    tree = ast.parse(module_path.read_text(encoding="utf-8"), filename=str(module_path))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "AddSerializedFile"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, bytes)
        ):
            return node.args[0].value
    raise GenerationError(f"{module_path}: no AddSerializedFile(b'...') call found")


def bundled_descriptors() -> list[descriptor_pb2.FileDescriptorProto]:
    """Every FileDescriptorProto bundled in ``qdrant_client/grpc``, sorted by file name."""
    grpc_dir = qdrant_client_dir() / "grpc"
    files = [
        descriptor_pb2.FileDescriptorProto.FromString(serialized_descriptor(path))
        for path in sorted(grpc_dir.glob("*_pb2.py"))
    ]
    if not files:
        raise GenerationError(f"{grpc_dir}: no *_pb2.py modules")
    return sorted(files, key=lambda f: f.name)


def well_known_descriptors() -> dict[str, descriptor_pb2.FileDescriptorProto]:
    """Descriptors of the google/protobuf files Qdrant imports, for name resolution."""
    known: dict[str, descriptor_pb2.FileDescriptorProto] = {}
    for module in (timestamp_pb2,):
        fdp = descriptor_pb2.FileDescriptorProto()
        module.DESCRIPTOR.CopyToProto(fdp)
        known[fdp.name] = fdp
    return known


def render_protos(proto_dir: Path) -> list[str]:
    """Write one ``.proto`` per bundled descriptor into ``proto_dir``; return the file names."""
    files = bundled_descriptors()
    by_name = {f.name: f for f in files} | well_known_descriptors()
    header = HEADER.format(version=qdrant_client_version())
    proto_dir.mkdir(parents=True, exist_ok=True)
    for stale in proto_dir.glob("*.proto"):
        stale.unlink()
    for fdp in files:
        missing = [dep for dep in fdp.dependency if dep not in by_name]
        if missing:
            raise GenerationError(f"{fdp.name}: unknown dependencies {missing}")
        text = render_file(fdp, [by_name[dep] for dep in fdp.dependency], header)
        (proto_dir / fdp.name).write_text(text, encoding="utf-8")
    return [f.name for f in files]


def run_protoc(proto_dir: Path, out_dir: Path) -> None:
    """Compile every ``proto_dir/*.proto`` with grpcio-tools' bundled protoc into ``out_dir``."""
    from grpc_tools import protoc

    well_known = importlib.resources.files("grpc_tools") / "_proto"
    sources = sorted(p.name for p in proto_dir.glob("*.proto"))
    if not sources:
        raise GenerationError(f"{proto_dir}: no .proto files")
    args = [
        "grpc_tools.protoc",
        f"-I{proto_dir}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *sources,
    ]
    if protoc.main(args) != 0:
        raise GenerationError(f"protoc failed: {' '.join(args)}")


def absolutize_imports(text: str, modules: set[str], package: str) -> str:
    """Rewrite ``import x_pb2 as y`` / ``from x_pb2 import ...`` for our own modules."""

    def plain(match: re.Match[str]) -> str:
        module, rest = match.group(1), match.group(2)
        if module not in modules:
            return match.group(0)
        return f"from {package} import {module}{rest}"

    def from_form(match: re.Match[str]) -> str:
        module = match.group(1)
        if module not in modules:
            return match.group(0)
        return f"from {package}.{module} import"

    text = re.sub(r"^import (\w+_pb2)( as \w+)?$", plain, text, flags=re.MULTILINE)
    text = re.sub(r"^from (\w+_pb2) import", from_form, text, flags=re.MULTILINE)
    leftover = re.findall(r"^(?:import|from) (\w+_pb2)\b", text, flags=re.MULTILINE)
    if any(module in modules for module in leftover):
        raise GenerationError(f"unrewritten sibling imports: {leftover}")
    return text


def drop_keyword_stub_lines(text: str) -> str:
    """Remove stub declarations whose name is a Python keyword (invalid syntax in a ``.pyi``).

    protoc's ``--pyi_out`` writes enum values verbatim, so Qdrant's ``Modifier.None`` becomes
    ``None: _ClassVar[Modifier]``, which no type checker can parse. At runtime such a value is
    reached as ``Modifier.Value("None")``; mypy-protobuf (qdrant-client's stubs) omits it too.
    Keyword-named *fields* are already handled by protoc (``**kwargs``).
    """
    keywords = "|".join(sorted(keyword.kwlist))
    return re.sub(rf"^[ \t]*(?:{keywords}): .*\n", "", text, flags=re.MULTILINE)


def compile_package(proto_dir: Path, pb_dir: Path, package: str = PB_PACKAGE) -> list[str]:
    """Compile ``proto_dir`` into the python package directory ``pb_dir``; return file names."""
    from grpc_tools import grpc_version

    with tempfile.TemporaryDirectory(prefix="quiver-protoc-") as tmp:
        staging = Path(tmp)
        run_protoc(proto_dir, staging)
        produced = sorted(p for p in staging.iterdir() if p.name.endswith(GENERATED_SUFFIXES))
        modules = {p.stem for p in produced if p.name.endswith("_pb2.py")}
        pb_dir.mkdir(parents=True, exist_ok=True)
        for stale in pb_dir.iterdir():
            if stale.name.endswith(GENERATED_SUFFIXES):
                stale.unlink()
        for path in produced:
            text = absolutize_imports(path.read_text(encoding="utf-8"), modules, package)
            if path.suffix == ".pyi":
                text = drop_keyword_stub_lines(text)
            (pb_dir / path.name).write_text(text, encoding="utf-8")
    init = PB_INIT.format(tools_version=grpc_version.VERSION, client_version=qdrant_client_version())
    (pb_dir / "__init__.py").write_text(init, encoding="utf-8")
    shutil.rmtree(pb_dir / "__pycache__", ignore_errors=True)
    return ["__init__.py", *(p.name for p in produced)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--proto-dir", type=Path, default=REPO_ROOT / "proto")
    parser.add_argument("--pb-dir", type=Path, default=REPO_ROOT / "server" / "pb")
    parser.add_argument("--compile-only", action="store_true", help="skip rendering proto/")
    args = parser.parse_args(argv)
    try:
        if not args.compile_only:
            protos = render_protos(args.proto_dir)
            print(f"rendered {len(protos)} .proto files into {args.proto_dir}")
        generated = compile_package(args.proto_dir, args.pb_dir)
        print(f"generated {len(generated)} files into {args.pb_dir}")
    except GenerationError as exc:
        print(f"gen_proto: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
