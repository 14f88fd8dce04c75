import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class CreateFullSnapshotRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListFullSnapshotsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class DeleteFullSnapshotRequest(_message.Message):
    __slots__ = ("snapshot_name",)
    SNAPSHOT_NAME_FIELD_NUMBER: _ClassVar[int]
    snapshot_name: str
    def __init__(self, snapshot_name: _Optional[str] = ...) -> None: ...

class CreateSnapshotRequest(_message.Message):
    __slots__ = ("collection_name",)
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    collection_name: str
    def __init__(self, collection_name: _Optional[str] = ...) -> None: ...

class ListSnapshotsRequest(_message.Message):
    __slots__ = ("collection_name",)
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    collection_name: str
    def __init__(self, collection_name: _Optional[str] = ...) -> None: ...

class DeleteSnapshotRequest(_message.Message):
    __slots__ = ("collection_name", "snapshot_name")
    COLLECTION_NAME_FIELD_NUMBER: _ClassVar[int]
    SNAPSHOT_NAME_FIELD_NUMBER: _ClassVar[int]
    collection_name: str
    snapshot_name: str
    def __init__(self, collection_name: _Optional[str] = ..., snapshot_name: _Optional[str] = ...) -> None: ...

class SnapshotDescription(_message.Message):
    __slots__ = ("name", "creation_time", "size", "checksum")
    NAME_FIELD_NUMBER: _ClassVar[int]
    CREATION_TIME_FIELD_NUMBER: _ClassVar[int]
    SIZE_FIELD_NUMBER: _ClassVar[int]
    CHECKSUM_FIELD_NUMBER: _ClassVar[int]
    name: str
    creation_time: _timestamp_pb2.Timestamp
    size: int
    checksum: str
    def __init__(self, name: _Optional[str] = ..., creation_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size: _Optional[int] = ..., checksum: _Optional[str] = ...) -> None: ...

class CreateSnapshotResponse(_message.Message):
    __slots__ = ("snapshot_description", "time")
    SNAPSHOT_DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    snapshot_description: SnapshotDescription
    time: float
    def __init__(self, snapshot_description: _Optional[_Union[SnapshotDescription, _Mapping]] = ..., time: _Optional[float] = ...) -> None: ...

class ListSnapshotsResponse(_message.Message):
    __slots__ = ("snapshot_descriptions", "time")
    SNAPSHOT_DESCRIPTIONS_FIELD_NUMBER: _ClassVar[int]
    TIME_FIELD_NUMBER: _ClassVar[int]
    snapshot_descriptions: _containers.RepeatedCompositeFieldContainer[SnapshotDescription]
    time: float
    def __init__(self, snapshot_descriptions: _Optional[_Iterable[_Union[SnapshotDescription, _Mapping]]] = ..., time: _Optional[float] = ...) -> None: ...

class DeleteSnapshotResponse(_message.Message):
    __slots__ = ("time",)
    TIME_FIELD_NUMBER: _ClassVar[int]
    time: float
    def __init__(self, time: _Optional[float] = ...) -> None: ...
