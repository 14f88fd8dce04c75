"""The one table of which operation needs which access, for REST routes and gRPC methods alike.

Each operation is named once with its requirement (Qdrant's rules, as its JWT access tests state
them: reads need read access to the collection, point writes need write access, snapshots and
payload indexes are collection "extras" (refused to `prw` grants), and creating, changing or
deleting collections and aliases, uploading or recovering snapshots and full-storage snapshots need
global manage access). Both transports map their own names onto these operations; a test proves
every served route and RPC has an entry.
"""

from __future__ import annotations

from server.auth.access import Requirement, Scope

_ANY = Requirement(Scope.ANY)
_GLOBAL_READ = Requirement(Scope.GLOBAL)
_MANAGE = Requirement(Scope.GLOBAL, write=True, manage=True)
_READ = Requirement(Scope.COLLECTION)
_WRITE = Requirement(Scope.COLLECTION, write=True)
_READ_EXTRAS = Requirement(Scope.COLLECTION, extras=True)
_WRITE_EXTRAS = Requirement(Scope.COLLECTION, write=True, extras=True)

# operation → requirement
OPERATIONS: dict[str, Requirement] = {
    "list_collections": _ANY,
    "list_aliases": _ANY,
    "get_collection": _READ,
    "collection_exists": _READ,
    "list_collection_aliases": _READ,
    "collection_cluster_info": _READ,
    "list_shard_keys": _READ,
    "create_collection": _MANAGE,
    "update_collection": _MANAGE,
    "delete_collection": _MANAGE,
    "update_aliases": _MANAGE,
    "update_cluster_setup": _MANAGE,
    "create_shard_key": _MANAGE,
    "delete_shard_key": _MANAGE,
    "create_index": _WRITE_EXTRAS,
    "delete_index": _WRITE_EXTRAS,
    "create_vector_name": _WRITE_EXTRAS,
    "delete_vector_name": _WRITE_EXTRAS,
    "read_points": _READ,
    "write_points": _WRITE,
    "list_snapshots": _READ_EXTRAS,
    "download_snapshot": _READ_EXTRAS,
    "create_snapshot": _WRITE_EXTRAS,
    "delete_snapshot": _WRITE_EXTRAS,
    "upload_snapshot": _MANAGE,
    "recover_snapshot": _MANAGE,
    "list_full_snapshots": _GLOBAL_READ,
    "download_full_snapshot": _GLOBAL_READ,
    "create_full_snapshot": _MANAGE,
    "delete_full_snapshot": _MANAGE,
    "telemetry": _ANY,
    "metrics": _GLOBAL_READ,
    "get_issues": _ANY,
    "clear_issues": _MANAGE,
    "cluster_status": _GLOBAL_READ,
    "manage_cluster": _MANAGE,
    "authenticated": _ANY,  # any valid key: gRPC reflection and the health watch stream
}

_C = "/collections/{collection_name}"
_P = _C + "/points"

# (HTTP method, route pattern as declared in server/rest) → operation
REST: dict[tuple[str, str], str] = {
    ("GET", "/collections"): "list_collections",
    ("GET", "/aliases"): "list_aliases",
    ("POST", "/collections/aliases"): "update_aliases",
    ("GET", _C): "get_collection",
    ("PUT", _C): "create_collection",
    ("PATCH", _C): "update_collection",
    ("DELETE", _C): "delete_collection",
    ("GET", _C + "/exists"): "collection_exists",
    ("GET", _C + "/aliases"): "list_collection_aliases",
    ("PUT", _C + "/index"): "create_index",
    ("DELETE", _C + "/index/{field_name:path}"): "delete_index",
    ("PUT", _C + "/vectors/{vector_name}"): "create_vector_name",
    ("DELETE", _C + "/vectors/{vector_name}"): "delete_vector_name",
    ("GET", _P + "/{id}"): "read_points",
    ("POST", _P): "read_points",
    ("POST", _P + "/count"): "read_points",
    ("POST", _P + "/scroll"): "read_points",
    ("POST", _P + "/query"): "read_points",
    ("POST", _P + "/query/batch"): "read_points",
    ("POST", _P + "/query/groups"): "read_points",
    ("POST", _P + "/search"): "read_points",
    ("POST", _P + "/search/batch"): "read_points",
    ("POST", _P + "/search/groups"): "read_points",
    ("POST", _P + "/search/matrix/pairs"): "read_points",
    ("POST", _P + "/search/matrix/offsets"): "read_points",
    ("POST", _P + "/recommend"): "read_points",
    ("POST", _P + "/recommend/batch"): "read_points",
    ("POST", _P + "/recommend/groups"): "read_points",
    ("POST", _P + "/discover"): "read_points",
    ("POST", _P + "/discover/batch"): "read_points",
    ("POST", _C + "/facet"): "read_points",
    ("PUT", _P): "write_points",
    ("POST", _P + "/delete"): "write_points",
    ("POST", _P + "/payload"): "write_points",
    ("PUT", _P + "/payload"): "write_points",
    ("POST", _P + "/payload/delete"): "write_points",
    ("POST", _P + "/payload/clear"): "write_points",
    ("PUT", _P + "/vectors"): "write_points",
    ("POST", _P + "/vectors/delete"): "write_points",
    ("POST", _P + "/batch"): "write_points",
    ("GET", _C + "/snapshots"): "list_snapshots",
    ("POST", _C + "/snapshots"): "create_snapshot",
    ("POST", _C + "/snapshots/upload"): "upload_snapshot",
    ("PUT", _C + "/snapshots/recover"): "recover_snapshot",
    ("GET", _C + "/snapshots/{snapshot_name}"): "download_snapshot",
    ("DELETE", _C + "/snapshots/{snapshot_name}"): "delete_snapshot",
    ("GET", "/snapshots"): "list_full_snapshots",
    ("POST", "/snapshots"): "create_full_snapshot",
    ("GET", "/snapshots/{snapshot_name}"): "download_full_snapshot",
    ("DELETE", "/snapshots/{snapshot_name}"): "delete_full_snapshot",
    ("GET", "/telemetry"): "telemetry",
    ("GET", "/metrics"): "metrics",
    ("GET", "/issues"): "get_issues",
    ("DELETE", "/issues"): "clear_issues",
    ("GET", "/cluster"): "cluster_status",
    ("GET", "/cluster/telemetry"): "telemetry",
    ("POST", "/cluster/recover"): "manage_cluster",
    ("DELETE", "/cluster/peer/{peer_id}"): "manage_cluster",
    ("GET", _C + "/cluster"): "collection_cluster_info",
    ("POST", _C + "/cluster"): "update_cluster_setup",
    ("GET", _C + "/shards"): "list_shard_keys",
    ("PUT", _C + "/shards"): "create_shard_key",
    ("POST", _C + "/shards/delete"): "delete_shard_key",
    ("GET", _C + "/optimizations"): "get_collection",
    ("GET", "/quotas"): "cluster_status",
    ("PUT", "/quotas"): "manage_cluster",
    ("GET", _C + "/shards/{shard_id}/snapshot"): "download_snapshot",
    ("GET", _C + "/shards/{shard_id}/snapshots"): "list_snapshots",
    ("POST", _C + "/shards/{shard_id}/snapshots"): "create_snapshot",
    ("POST", _C + "/shards/{shard_id}/snapshots/upload"): "upload_snapshot",
    ("PUT", _C + "/shards/{shard_id}/snapshots/recover"): "recover_snapshot",
    ("GET", _C + "/shards/{shard_id}/snapshots/{snapshot_name}"): "download_snapshot",
    ("DELETE", _C + "/shards/{shard_id}/snapshots/{snapshot_name}"): "delete_snapshot",
}

REST_EXEMPT = frozenset({"/", "/healthz"})
"""Served without a key, as Qdrant's whitelist (exact paths)..."""
REST_EXEMPT_PREFIXES = ("/readyz", "/livez", "/dashboard")
"""...and path prefixes (the dashboard's static files: the page asks for the key and sends it)."""

_READS = ("Get", "Search", "SearchBatch", "SearchGroups", "Scroll", "Recommend", "RecommendBatch",
          "RecommendGroups", "Discover", "DiscoverBatch", "Count", "Query", "QueryBatch", "QueryGroups",
          "Facet", "SearchMatrixPairs", "SearchMatrixOffsets")
_WRITES = ("Upsert", "Delete", "UpdateVectors", "DeleteVectors", "SetPayload", "OverwritePayload",
           "DeletePayload", "ClearPayload", "UpdateBatch")

# full gRPC method path → operation
GRPC: dict[str, str] = {
    "/qdrant.Collections/Get": "get_collection",
    "/qdrant.Collections/List": "list_collections",
    "/qdrant.Collections/Create": "create_collection",
    "/qdrant.Collections/Update": "update_collection",
    "/qdrant.Collections/Delete": "delete_collection",
    "/qdrant.Collections/UpdateAliases": "update_aliases",
    "/qdrant.Collections/ListCollectionAliases": "list_collection_aliases",
    "/qdrant.Collections/ListAliases": "list_aliases",
    "/qdrant.Collections/CollectionClusterInfo": "collection_cluster_info",
    "/qdrant.Collections/CollectionExists": "collection_exists",
    "/qdrant.Collections/UpdateCollectionClusterSetup": "update_cluster_setup",
    "/qdrant.Collections/CreateShardKey": "create_shard_key",
    "/qdrant.Collections/DeleteShardKey": "delete_shard_key",
    "/qdrant.Collections/ListShardKeys": "list_shard_keys",
    **{f"/qdrant.Points/{name}": "read_points" for name in _READS},
    **{f"/qdrant.Points/{name}": "write_points" for name in _WRITES},
    "/qdrant.Points/CreateFieldIndex": "create_index",
    "/qdrant.Points/DeleteFieldIndex": "delete_index",
    "/qdrant.Points/CreateVectorName": "create_vector_name",
    "/qdrant.Points/DeleteVectorName": "delete_vector_name",
    "/qdrant.Snapshots/Create": "create_snapshot",
    "/qdrant.Snapshots/List": "list_snapshots",
    "/qdrant.Snapshots/Delete": "delete_snapshot",
    "/qdrant.Snapshots/CreateFull": "create_full_snapshot",
    "/qdrant.Snapshots/ListFull": "list_full_snapshots",
    "/qdrant.Snapshots/DeleteFull": "delete_full_snapshot",
    "/grpc.health.v1.Health/Watch": "authenticated",
    "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo": "authenticated",
}

GRPC_EXEMPT = frozenset({"/qdrant.Qdrant/HealthCheck", "/grpc.health.v1.Health/Check"})


def rest_requirement(method: str, pattern: str) -> Requirement | None:
    operation = REST.get((method, pattern))
    return None if operation is None else OPERATIONS[operation]


def grpc_requirement(method: str) -> Requirement | None:
    operation = GRPC.get(method)
    return None if operation is None else OPERATIONS[operation]
