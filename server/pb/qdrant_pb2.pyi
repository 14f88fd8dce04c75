from server.pb import collections_service_pb2 as _collections_service_pb2
from server.pb import points_service_pb2 as _points_service_pb2
from server.pb import snapshots_service_pb2 as _snapshots_service_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class HealthCheckRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class HealthCheckReply(_message.Message):
    __slots__ = ("title", "version", "commit")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    COMMIT_FIELD_NUMBER: _ClassVar[int]
    title: str
    version: str
    commit: str
    def __init__(self, title: _Optional[str] = ..., version: _Optional[str] = ..., commit: _Optional[str] = ...) -> None: ...
