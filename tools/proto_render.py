"""Render a proto3 ``FileDescriptorProto`` back into ``.proto`` source text.

The wire facts of Qdrant's gRPC API (names, numbers, types, labels, oneofs, options, rpc
signatures) reach us as serialized descriptors bundled with the pinned qdrant-client. This
module turns one such descriptor into source text that protoc compiles back into an equal
descriptor. It writes facts only: no comments from the original sources exist in a
descriptor, and none are invented here.

Anything the renderer does not know how to express faithfully (proto2, editions, extensions,
groups, default values, custom options) raises ``UnsupportedDescriptor`` instead of being
dropped silently; the descriptor-equality test is the final judge either way.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from google.protobuf import descriptor_pb2 as d
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

FieldProto = d.FieldDescriptorProto

SCALAR_NAMES: dict[int, str] = {
    FieldProto.TYPE_DOUBLE: "double",
    FieldProto.TYPE_FLOAT: "float",
    FieldProto.TYPE_INT64: "int64",
    FieldProto.TYPE_UINT64: "uint64",
    FieldProto.TYPE_INT32: "int32",
    FieldProto.TYPE_FIXED64: "fixed64",
    FieldProto.TYPE_FIXED32: "fixed32",
    FieldProto.TYPE_BOOL: "bool",
    FieldProto.TYPE_STRING: "string",
    FieldProto.TYPE_BYTES: "bytes",
    FieldProto.TYPE_UINT32: "uint32",
    FieldProto.TYPE_SFIXED32: "sfixed32",
    FieldProto.TYPE_SFIXED64: "sfixed64",
    FieldProto.TYPE_SINT32: "sint32",
    FieldProto.TYPE_SINT64: "sint64",
}
NAMED_TYPES = (FieldProto.TYPE_MESSAGE, FieldProto.TYPE_ENUM)
MAX_FIELD_NUMBER = 536870911
INDENT = "  "


class UnsupportedDescriptor(ValueError):
    """The descriptor uses a feature this renderer cannot reproduce exactly."""


def json_name_default(field_name: str) -> str:
    """protoc's default ``json_name``: lowerCamelCase of the field name."""
    parts = field_name.split("_")
    return parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])


def map_entry_name(field_name: str) -> str:
    """The nested type protoc synthesises for ``map<..> field_name``."""
    return "".join(p[:1].upper() + p[1:] for p in field_name.split("_")) + "Entry"


class SymbolTable:
    """Fully-qualified names visible to one file, for choosing short type references."""

    def __init__(self, files: Iterable[d.FileDescriptorProto]) -> None:
        self.names: set[str] = set()
        for fdp in files:
            parts = fdp.package.split(".") if fdp.package else []
            for i in range(1, len(parts) + 1):
                self.names.add(".".join(parts[:i]))
            scope = fdp.package
            self._add_enums(scope, fdp.enum_type)
            self._add_messages(scope, fdp.message_type)
            for service in fdp.service:
                self.names.add(_join(scope, service.name))

    def _add_messages(self, scope: str, messages: Iterable[d.DescriptorProto]) -> None:
        for msg in messages:
            full = _join(scope, msg.name)
            self.names.add(full)
            self.names.update(_join(full, f.name) for f in msg.field)
            self.names.update(_join(full, o.name) for o in msg.oneof_decl)
            self._add_enums(full, msg.enum_type)
            self._add_messages(full, msg.nested_type)

    def _add_enums(self, scope: str, enums: Iterable[d.EnumDescriptorProto]) -> None:
        for enum in enums:
            self.names.add(_join(scope, enum.name))
            # C++ scoping: enum values are siblings of their enum, not children.
            self.names.update(_join(scope, v.name) for v in enum.value)

    def shortest_reference(self, type_name: str, scope: str) -> str:
        """Shortest name that protoc resolves to ``type_name`` from inside ``scope``.

        protoc looks up the first component of a relative name from the innermost scope
        outward and takes the first hit; a suffix is safe only if that first hit is exactly
        the symbol we mean. The fully-qualified ``.pkg.Name`` form is always correct.
        """
        parts = type_name.lstrip(".").split(".")
        for k in range(1, len(parts) + 1):
            candidate = parts[-k:]
            expected_first = ".".join(parts[: len(parts) - k + 1])
            if self._resolve_first(candidate[0], scope) == expected_first:
                return ".".join(candidate)
        return type_name

    def _resolve_first(self, name: str, scope: str) -> str | None:
        scopes = scope.split(".") if scope else []
        for i in range(len(scopes), -1, -1):
            full = _join(".".join(scopes[:i]), name)
            if full in self.names:
                return full
        return None


def _join(scope: str, name: str) -> str:
    return f"{scope}.{name}" if scope else name


def format_scalar(value: object) -> str:
    """A protobuf text-format literal for an option value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, bytes):
        return json.dumps(value.decode("latin-1"))
    raise UnsupportedDescriptor(f"option value of type {type(value).__name__}")


def _is_repeated(field: FieldDescriptor) -> bool:
    # protobuf >= 6 has ``is_repeated``; ``label`` is gone from upb descriptors in 7.x.
    repeated = getattr(field, "is_repeated", None)
    return bool(repeated) if repeated is not None else field.label == field.LABEL_REPEATED


def option_items(options: Message) -> list[tuple[str, str]]:
    """``(name, literal)`` pairs for every option set in an ``*Options`` message."""
    items: list[tuple[str, str]] = []
    for field, value in options.ListFields():
        if field.is_extension:
            raise UnsupportedDescriptor(f"custom option {field.full_name}")
        if _is_repeated(field) or field.type == field.TYPE_MESSAGE:
            raise UnsupportedDescriptor(f"structured option {field.full_name}")
        if field.type == field.TYPE_ENUM:
            literal = field.enum_type.values_by_number[value].name
        else:
            literal = format_scalar(value)
        items.append((field.name, literal))
    return items


class FileRenderer:
    """Turns one ``FileDescriptorProto`` into ``.proto`` text; see ``render_file``."""

    def __init__(self, fdp: d.FileDescriptorProto, deps: Iterable[d.FileDescriptorProto]) -> None:
        if fdp.syntax != "proto3":
            raise UnsupportedDescriptor(f"{fdp.name}: syntax {fdp.syntax!r}, only proto3 is supported")
        if fdp.extension:
            raise UnsupportedDescriptor(f"{fdp.name}: top-level extensions")
        self.fdp = fdp
        self.symbols = SymbolTable([fdp, *deps])

    def render(self, header: str) -> str:
        fdp = self.fdp
        out: list[str] = [f"// {line}".rstrip() for line in header.splitlines()]
        out += ["", 'syntax = "proto3";', ""]
        if fdp.package:
            out += [f"package {fdp.package};", ""]
        public, weak = set(fdp.public_dependency), set(fdp.weak_dependency)
        for i, dep in enumerate(fdp.dependency):
            modifier = "public " if i in public else "weak " if i in weak else ""
            out.append(f'import {modifier}"{dep}";')
        if fdp.dependency:
            out.append("")
        file_options = option_items(fdp.options)
        out += [f"option {name} = {literal};" for name, literal in file_options]
        if file_options:
            out.append("")
        for block in self._top_level_blocks():
            out += block + [""]
        for service in fdp.service:
            out += self._service(service) + [""]
        while out and out[-1] == "":
            out.pop()
        return "\n".join(out) + "\n"

    def _top_level_blocks(self) -> Iterator[list[str]]:
        """Messages in order; each top-level enum just before its first user (readability only)."""
        scope = self.fdp.package
        pending = list(self.fdp.enum_type)
        for msg in self.fdp.message_type:
            used = set(_referenced_types(msg))
            # enum_type order is a descriptor fact: release enums only as an ordered prefix.
            needed = [i for i, e in enumerate(pending) if "." + _join(scope, e.name) in used]
            if needed:
                for enum in pending[: needed[-1] + 1]:
                    yield self._enum(enum, 0)
                del pending[: needed[-1] + 1]
            yield self._message(msg, scope, 0)
        for enum in pending:
            yield self._enum(enum, 0)

    def _message(self, msg: d.DescriptorProto, scope: str, depth: int) -> list[str]:
        if msg.extension or msg.extension_range:
            raise UnsupportedDescriptor(f"{msg.name}: extensions")
        pad, inner = INDENT * depth, INDENT * (depth + 1)
        full = _join(scope, msg.name)
        body: list[str] = [f"{inner}option {n} = {v};" for n, v in option_items(msg.options)]
        for enum in msg.enum_type:
            body += self._enum(enum, depth + 1)
        map_entries = {m.name: m for m in msg.nested_type if m.options.map_entry}
        # protoc appends a map's entry type to nested_type when it parses the map field, so
        # an explicit nested message must be written before the first map field that follows
        # it in nested_type; that keeps nested_type in the original order.
        explicit_before: dict[str, list[d.DescriptorProto]] = {}
        waiting: list[d.DescriptorProto] = []
        for nested in msg.nested_type:
            if nested.options.map_entry:
                explicit_before[nested.name], waiting = waiting, []
            else:
                waiting.append(nested)
        for group in self._field_groups(msg):
            for field in group:
                entry_name = self._map_entry_of(field, full, map_entries)
                for nested in explicit_before.pop(entry_name or "", []):
                    body += self._message(nested, full, depth + 1)
            body += self._field_group(msg, group, full, map_entries, depth + 1)
        for nested in waiting:
            body += self._message(nested, full, depth + 1)
        body += self._reserved(msg.reserved_range, msg.reserved_name, inclusive_end=False, depth=depth + 1)
        if not body:
            return [f"{pad}message {msg.name} {{}}"]
        return [f"{pad}message {msg.name} {{", *body, f"{pad}}}"]

    @staticmethod
    def _field_groups(msg: d.DescriptorProto) -> list[list[FieldProto]]:
        """Fields in declaration order; members of one real oneof form one group."""
        groups: list[list[FieldProto]] = []
        seen_oneofs: set[int] = set()
        open_oneof: int | None = None
        for field in msg.field:
            oneof = field.oneof_index if _in_real_oneof(field) else None
            if oneof is not None and oneof == open_oneof:
                groups[-1].append(field)
                continue
            if oneof is not None:
                if oneof in seen_oneofs:
                    raise UnsupportedDescriptor(f"{msg.name}: oneof {oneof} is not contiguous")
                seen_oneofs.add(oneof)
            open_oneof = oneof
            groups.append([field])
        return groups

    def _field_group(
        self,
        msg: d.DescriptorProto,
        group: list[FieldProto],
        scope: str,
        map_entries: dict[str, d.DescriptorProto],
        depth: int,
    ) -> list[str]:
        first = group[0]
        if not _in_real_oneof(first):
            return [self._field(first, scope, map_entries, depth)]
        oneof = msg.oneof_decl[first.oneof_index]
        pad, inner = INDENT * depth, INDENT * (depth + 1)
        lines = [f"{pad}oneof {oneof.name} {{"]
        lines += [f"{inner}option {n} = {v};" for n, v in option_items(oneof.options)]
        lines += [self._field(f, scope, map_entries, depth + 1) for f in group]
        return lines + [f"{pad}}}"]

    def _map_entry_of(
        self, field: FieldProto, scope: str, map_entries: dict[str, d.DescriptorProto]
    ) -> str | None:
        if field.label != FieldProto.LABEL_REPEATED or field.type != FieldProto.TYPE_MESSAGE:
            return None
        name = map_entry_name(field.name)
        if name in map_entries and field.type_name == f".{_join(scope, name)}":
            return name
        return None

    def _field(
        self, field: FieldProto, scope: str, map_entries: dict[str, d.DescriptorProto], depth: int
    ) -> str:
        if field.HasField("default_value") or field.HasField("extendee"):
            raise UnsupportedDescriptor(f"{field.name}: default values / extensions")
        if field.type == FieldProto.TYPE_GROUP or field.label == FieldProto.LABEL_REQUIRED:
            raise UnsupportedDescriptor(f"{field.name}: groups / required are not proto3")
        entry = self._map_entry_of(field, scope, map_entries)
        if entry is not None:
            key, value = map_entries[entry].field
            type_text = f"map<{self._type(key, scope)}, {self._type(value, scope)}>"
            label = ""
        else:
            type_text = self._type(field, scope)
            label = {FieldProto.LABEL_REPEATED: "repeated "}.get(field.label, "")
            if field.proto3_optional:
                label = "optional "
        options = option_items(field.options)
        if field.HasField("json_name") and field.json_name != json_name_default(field.name):
            options.insert(0, ("json_name", format_scalar(field.json_name)))
        suffix = " [" + ", ".join(f"{n} = {v}" for n, v in options) + "]" if options else ""
        return f"{INDENT * depth}{label}{type_text} {field.name} = {field.number}{suffix};"

    def _type(self, field: FieldProto, scope: str) -> str:
        if field.type in NAMED_TYPES:
            return self.symbols.shortest_reference(field.type_name, scope)
        return SCALAR_NAMES[field.type]

    def _enum(self, enum: d.EnumDescriptorProto, depth: int) -> list[str]:
        pad, inner = INDENT * depth, INDENT * (depth + 1)
        lines = [f"{pad}enum {enum.name} {{"]
        lines += [f"{inner}option {n} = {v};" for n, v in option_items(enum.options)]
        for value in enum.value:
            opts = option_items(value.options)
            suffix = " [" + ", ".join(f"{n} = {v}" for n, v in opts) + "]" if opts else ""
            lines.append(f"{inner}{value.name} = {value.number}{suffix};")
        lines += self._reserved(enum.reserved_range, enum.reserved_name, inclusive_end=True, depth=depth + 1)
        return lines + [f"{pad}}}"]

    @staticmethod
    def _reserved(
        ranges: Iterable[d.DescriptorProto.ReservedRange | d.EnumDescriptorProto.EnumReservedRange],
        names: Iterable[str],
        *,
        inclusive_end: bool,
        depth: int,
    ) -> list[str]:
        lines: list[str] = []
        for rng in ranges:
            last = rng.end if inclusive_end else rng.end - 1
            if last == rng.start:
                text = str(rng.start)
            else:
                text = f"{rng.start} to {'max' if last >= MAX_FIELD_NUMBER else last}"
            lines.append(f"{INDENT * depth}reserved {text};")
        lines += [f'{INDENT * depth}reserved "{name}";' for name in names]
        return lines

    def _service(self, service: d.ServiceDescriptorProto) -> list[str]:
        scope = self.fdp.package
        lines = [f"service {service.name} {{"]
        lines += [f"{INDENT}option {n} = {v};" for n, v in option_items(service.options)]
        for method in service.method:
            request = self.symbols.shortest_reference(method.input_type, scope)
            reply = self.symbols.shortest_reference(method.output_type, scope)
            client = "stream " if method.client_streaming else ""
            server = "stream " if method.server_streaming else ""
            head = f"{INDENT}rpc {method.name}({client}{request}) returns ({server}{reply})"
            opts = option_items(method.options)
            if opts:
                lines.append(head + " {")
                lines += [f"{INDENT * 2}option {n} = {v};" for n, v in opts]
                lines.append(f"{INDENT}}}")
            elif method.HasField("options"):
                # `rpc ... {}` (as opposed to `;`) leaves an empty, but present, options message.
                lines.append(head + " {}")
            else:
                lines.append(head + ";")
        return lines + ["}"]


def _in_real_oneof(field: FieldProto) -> bool:
    """Member of a declared ``oneof`` (proto3 ``optional`` fields sit in synthetic ones)."""
    return field.HasField("oneof_index") and not field.proto3_optional


def _referenced_types(msg: d.DescriptorProto) -> Iterator[str]:
    for field in msg.field:
        if field.type_name:
            yield field.type_name
    for nested in msg.nested_type:
        yield from _referenced_types(nested)


def render_file(fdp: d.FileDescriptorProto, deps: Iterable[d.FileDescriptorProto], header: str) -> str:
    """``.proto`` source for ``fdp``; ``deps`` are the files it imports (for name lookup)."""
    return FileRenderer(fdp, deps).render(header)
