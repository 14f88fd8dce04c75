"""Which fields of the gRPC *request* messages the server converts, and which it ignores on purpose.

`tests/server/test_grpc_fields.py` walks every field of every request message of the four public
services (recursively through message-typed fields) and fails when a field is in neither table, in
both, or listed here but gone from the protocol. It also proves the tables right: every CONVERTED
field changes what the servicer hands to the service when it is set (a differential run against a
recording stand-in for `Service`), and no IGNORED field does — so a field that starts being
converted must move from IGNORED to CONVERTED.

Keys are protobuf message full names; values list field names separated by spaces.
"""

from __future__ import annotations

SINGLE_NODE_SHARDING = (
    "standalone node, one shard per collection: no custom shard keys; cluster operations are read "
    "(an empty one is refused) and answer UNIMPLEMENTED `Qdrant is running in standalone mode`. "
    "In cluster mode server/convert/grpc/cluster.py reads them (shard_key_selector via the read scope "
    "set in server/grpc/handler.py)"
)
ONE_REPLICA_READS = ("one replica: every read is already consistent (cluster mode reads read_consistency "
                     "into the read scope, server/convert/grpc/cluster.py)")
ONE_REPLICA_WRITES = "one replica: writes are applied in order on the only copy"
COLLECTION_OP_TIMEOUT = (
    "collection operations finish synchronously; Qdrant's timeout bounds the wait for cluster "
    "consensus"
)
RETRIEVE_TIMEOUT = "retrieval by id is not cut short (Qdrant applies it to the shard fan-out)"
QUERY_API_PENDING = (
    "query API: not converted yet (inference objects, ACORN, IDF "
    "corpus), or no sample in tests/server/test_grpc_fields.py shows an effect yet — add one "
    "(BASES/PREPARE) and move it"
)
STORAGE_HINT = "storage placement or tuning hint with no engine equivalent (indexes and payloads live in RAM)"
AUTO_IS_DEFAULT = "`setting: auto` is what an absent value means already (automatic)"
EMPTY_MARKER = "an empty marker message: the same as giving no stemmer"
MAX_SIM_ONLY = "max_sim is the only multi-vector comparator Qdrant defines, and the default"
VECTORS_COUNT = "deprecated: a flat multi-vector's row count follows from `data` and the configured size"

CONVERTED: dict[str, str] = {
    "google.protobuf.Timestamp": "seconds nanos",
    "qdrant.AliasOperations": "create_alias rename_alias delete_alias",
    "qdrant.BinaryQuantization": "always_ram encoding query_encoding memory",
    "qdrant.BinaryQuantizationQueryEncoding": "setting",
    "qdrant.BoolIndexParams": "on_disk enable_hnsw memory",
    "qdrant.ChangeAliases": "actions",
    "qdrant.ClearPayloadPoints": "collection_name wait points timeout shard_key_selector",
    "qdrant.CollectionClusterInfoRequest": "collection_name",
    # a cluster operation present or absent decides the answer: standalone refusal or `empty operation`
    "qdrant.CreateShardKeyRequest": "request",
    "qdrant.DeleteShardKeyRequest": "request",
    "qdrant.UpdateCollectionClusterSetupRequest": (
        "move_shard replicate_shard abort_transfer drop_replica create_shard_key delete_shard_key "
        "restart_transfer replicate_points"
    ),
    "qdrant.CollectionExistsRequest": "collection_name",
    "qdrant.CollectionParamsDiff": "replication_factor write_consistency_factor on_disk_payload",
    "qdrant.Condition": "field is_empty has_id filter is_null nested has_vector slice",
    "qdrant.ContextExamplePair": "positive negative",
    "qdrant.ContextInput": "pairs",
    "qdrant.ContextInputPair": "positive negative",
    "qdrant.CountPoints": "collection_name filter exact timeout",
    "qdrant.CreateAlias": "collection_name alias_name",
    "qdrant.CreateCollection": (
        "collection_name hnsw_config wal_config optimizers_config shard_number "
        "on_disk_payload vectors_config replication_factor "
        "write_consistency_factor quantization_config sharding_method "
        "sparse_vectors_config strict_mode_config metadata"
    ),
    "qdrant.CreateFieldIndexCollection": (
        "collection_name wait field_name field_type field_index_params timeout"
    ),
    "qdrant.CreateVectorNameRequest": "collection_name wait vector_name dense_config sparse_config timeout",
    "qdrant.CreateSnapshotRequest": "collection_name",
    "qdrant.DatetimeIndexParams": "on_disk is_principal enable_hnsw memory",
    "qdrant.DatetimeRange": "lt gt gte lte",
    "qdrant.DecayParamsExpression": "x target scale midpoint",
    "qdrant.DenseVectorCreationConfig": "size distance multivector_config datatype",
    "qdrant.DeleteAlias": "alias_name",
    "qdrant.DeleteVectorNameRequest": "collection_name wait vector_name timeout",
    "qdrant.DeleteCollection": "collection_name",
    "qdrant.DeleteFieldIndexCollection": "collection_name wait field_name timeout",
    "qdrant.DeleteFullSnapshotRequest": "snapshot_name",
    "qdrant.DeletePayloadPoints": "collection_name wait keys points_selector timeout shard_key_selector",
    "qdrant.DeletePointVectors": "collection_name wait points_selector vectors timeout shard_key_selector",
    "qdrant.DeletePoints": "collection_name wait points timeout shard_key_selector",
    "qdrant.DeleteSnapshotRequest": "collection_name snapshot_name",
    "qdrant.DenseVector": "data",
    "qdrant.DiscoverBatchPoints": "collection_name discover_points timeout",
    "qdrant.DiscoverInput": "target context",
    "qdrant.DiscoverPoints": (
        "collection_name target context filter limit with_payload params offset "
        "using with_vectors lookup_from timeout"
    ),
    "qdrant.DivExpression": "left right by_zero_default",
    "qdrant.Expression": (
        "constant variable condition geo_distance datetime datetime_key mult sum "
        "div neg abs sqrt pow exp log10 ln exp_decay gauss_decay lin_decay"
    ),
    "qdrant.FacetCounts": "collection_name key filter limit exact timeout",
    "qdrant.FeedbackItem": "example score",
    "qdrant.FeedbackStrategy": "naive",
    "qdrant.FieldCondition": (
        "key match range geo_bounding_box geo_radius values_count geo_polygon "
        "datetime_range is_empty is_null"
    ),
    "qdrant.Filter": "should must must_not min_should",
    "qdrant.FloatIndexParams": "on_disk is_principal enable_hnsw memory",
    "qdrant.Formula": "expression defaults",
    "qdrant.GeoBoundingBox": "top_left bottom_right",
    "qdrant.GeoDistance": "origin to",
    "qdrant.GeoIndexParams": "on_disk enable_hnsw memory",
    "qdrant.GeoLineString": "points",
    "qdrant.GeoPoint": "lon lat",
    "qdrant.GeoPolygon": "exterior interiors",
    "qdrant.GeoRadius": "center radius",
    "qdrant.GetCollectionInfoRequest": "collection_name",
    "qdrant.GetPoints": "collection_name ids with_payload with_vectors",
    "qdrant.HasIdCondition": "has_id",
    "qdrant.HasVectorCondition": "has_vector",
    "qdrant.HnswConfigDiff": (
        "m ef_construct full_scan_threshold max_indexing_threads on_disk "
        "payload_m inline_storage"
    ),
    "qdrant.IntegerIndexParams": "lookup range is_principal on_disk enable_hnsw memory",
    "qdrant.IsEmptyCondition": "key",
    "qdrant.IsNullCondition": "key",
    "qdrant.KeywordIndexParams": "is_tenant on_disk enable_hnsw prefix memory",
    "qdrant.ListCollectionAliasesRequest": "collection_name",
    "qdrant.ListShardKeysRequest": "collection_name",
    "qdrant.ListSnapshotsRequest": "collection_name",
    "qdrant.ListValue": "values",
    "qdrant.LookupLocation": "collection_name vector_name",
    "qdrant.Match": (
        "keyword integer boolean text keywords integers except_integers "
        "except_keywords phrase text_any prefix"
    ),
    "qdrant.MaxOptimizationThreads": "value",
    "qdrant.MinShould": "conditions min_count",
    "qdrant.Mmr": "diversity candidates_limit",
    "qdrant.MultExpression": "mult",
    "qdrant.MultiDenseVector": "vectors",
    "qdrant.NaiveFeedbackStrategy": "a b c",
    "qdrant.NamedVectors": "vectors",
    "qdrant.NearestInputWithMmr": "nearest mmr",
    "qdrant.NestedCondition": "key filter",
    "qdrant.OptimizersConfigDiff": (
        "deleted_threshold vacuum_min_vector_number default_segment_number "
        "max_segment_size memmap_threshold indexing_threshold flush_interval_sec "
        "deprecated_max_optimization_threads max_optimization_threads "
        "prevent_unoptimized"
    ),
    "qdrant.OrderBy": "key direction start_from",
    "qdrant.PayloadExcludeSelector": "fields",
    "qdrant.PayloadIncludeSelector": "fields",
    "qdrant.PayloadIndexParams": (
        "keyword_index_params integer_index_params float_index_params "
        "geo_index_params text_index_params bool_index_params "
        "datetime_index_params uuid_index_params"
    ),
    "qdrant.PointId": "num uuid",
    "qdrant.PointStruct": "id payload vectors",
    "qdrant.PointVectors": "id vectors",
    "qdrant.PointsIdsList": "ids",
    "qdrant.PointsSelector": "points filter",
    "qdrant.PointsUpdateOperation": (
        "upsert delete_deprecated set_payload overwrite_payload delete_payload "
        "clear_payload_deprecated update_vectors delete_vectors delete_points "
        "clear_payload"
    ),
    "qdrant.PointsUpdateOperation.ClearPayload": "points shard_key_selector",
    "qdrant.PointsUpdateOperation.DeletePayload": "keys points_selector shard_key_selector",
    "qdrant.PointsUpdateOperation.DeletePoints": "points shard_key_selector",
    "qdrant.PointsUpdateOperation.DeleteVectors": "points_selector vectors shard_key_selector",
    "qdrant.PointsUpdateOperation.OverwritePayload": "payload points_selector key shard_key_selector",
    "qdrant.PointsUpdateOperation.PointStructList": "points update_filter update_mode shard_key_selector",
    "qdrant.PointsUpdateOperation.SetPayload": "payload points_selector key shard_key_selector",
    "qdrant.PointsUpdateOperation.UpdateVectors": "points update_filter shard_key_selector",
    "qdrant.PowExpression": "base exponent",
    "qdrant.PrefetchQuery": "prefetch query using filter params score_threshold limit lookup_from",
    "qdrant.ProductQuantization": "compression always_ram memory",
    "qdrant.QuantizationConfig": "scalar product binary turboquant",
    "qdrant.QuantizationConfigDiff": "scalar product disabled binary turboquant",
    "qdrant.Query": (
        "nearest recommend discover context order_by fusion sample formula "
        "nearest_with_mmr rrf relevance_feedback"
    ),
    "qdrant.QueryBatchPoints": "collection_name query_points timeout",
    "qdrant.QueryPointGroups": (
        "collection_name prefetch query using filter params score_threshold "
        "with_payload with_vectors lookup_from limit group_size group_by "
        "with_lookup timeout"
    ),
    "qdrant.QueryPoints": (
        "collection_name prefetch query using filter params score_threshold limit "
        "offset with_vectors with_payload lookup_from timeout"
    ),
    "qdrant.Range": "lt gt gte lte",
    "qdrant.RecommendBatchPoints": "collection_name recommend_points timeout",
    "qdrant.RecommendInput": "positive negative strategy",
    "qdrant.RecommendPointGroups": (
        "collection_name positive negative filter limit with_payload params "
        "score_threshold using with_vectors lookup_from group_by group_size "
        "with_lookup strategy positive_vectors negative_vectors timeout"
    ),
    "qdrant.RecommendPoints": (
        "collection_name positive negative filter limit with_payload params "
        "score_threshold offset using with_vectors lookup_from strategy "
        "positive_vectors negative_vectors timeout"
    ),
    "qdrant.RelevanceFeedbackInput": "target feedback strategy",
    "qdrant.RenameAlias": "old_alias_name new_alias_name",
    "qdrant.RepeatedIntegers": "integers",
    "qdrant.RepeatedStrings": "strings",
    "qdrant.Rrf": "k weights",
    "qdrant.ScalarQuantization": "type quantile always_ram memory",
    "qdrant.ScrollPoints": "collection_name filter offset limit with_payload with_vectors order_by timeout",
    "qdrant.SearchBatchPoints": "collection_name search_points timeout",
    "qdrant.SearchMatrixPoints": "collection_name filter sample limit using timeout",
    "qdrant.QuantizationSearchParams": "ignore rescore oversampling",
    "qdrant.SearchParams": "hnsw_ef exact indexed_only quantization idf",
    "qdrant.IdfParams": "corpus",
    "qdrant.SearchPointGroups": (
        "collection_name vector filter limit with_payload params score_threshold "
        "vector_name with_vectors group_by group_size with_lookup timeout sparse_indices"
    ),
    "qdrant.SearchPoints": (
        "collection_name vector filter limit with_payload params score_threshold "
        "offset vector_name with_vectors timeout sparse_indices"
    ),
    "qdrant.ShardKey": "keyword number",
    "qdrant.ShardKeySelector": "shard_keys fallback",
    "qdrant.SetPayloadPoints": "collection_name wait payload points_selector key timeout shard_key_selector",
    "qdrant.SliceCondition": "total index",
    "qdrant.SnowballParams": "language",
    "qdrant.SparseIndexConfig": "full_scan_threshold on_disk datatype memory",
    "qdrant.SparseIndices": "data",
    "qdrant.SparseVector": "values indices",
    "qdrant.SparseVectorConfig": "map",
    "qdrant.SparseVectorCreationConfig": "modifier datatype",
    "qdrant.SparseVectorParams": "index modifier",
    "qdrant.StartFrom": "float integer timestamp datetime",
    "qdrant.StemmingAlgorithm": "snowball",
    "qdrant.StopwordsSet": "languages custom",
    "qdrant.StrictModeConfig": (
        "enabled max_query_limit max_timeout unindexed_filtering_retrieve "
        "unindexed_filtering_update search_max_hnsw_ef search_allow_exact "
        "search_max_oversampling upsert_max_batchsize search_max_batchsize "
        "max_collection_vector_size_bytes read_rate_limit write_rate_limit "
        "max_collection_payload_size_bytes filter_max_conditions "
        "condition_max_size multivector_config sparse_config max_points_count "
        "max_payload_index_count max_resident_memory_percent"
    ),
    "qdrant.StrictModeMultivector": "max_vectors",
    "qdrant.StrictModeMultivectorConfig": "multivector_config",
    "qdrant.StrictModeSparse": "max_length",
    "qdrant.StrictModeSparseConfig": "sparse_config",
    "qdrant.Struct": "fields",
    "qdrant.SumExpression": "sum",
    "qdrant.TargetVector": "single",
    "qdrant.TextIndexParams": (
        "tokenizer lowercase min_token_len max_token_len on_disk stopwords "
        "phrase_matching stemmer ascii_folding enable_hnsw memory"
    ),
    "qdrant.TurboQuantization": "always_ram bits memory",
    "qdrant.UpdateBatchPoints": "collection_name wait operations timeout",
    "qdrant.UpdateCollection": (
        "collection_name optimizers_config params hnsw_config vectors_config "
        "quantization_config sparse_vectors_config strict_mode_config metadata"
    ),
    "qdrant.UpdatePointVectors": "collection_name wait points update_filter timeout shard_key_selector",
    "qdrant.UpsertPoints": "collection_name wait points update_filter timeout update_mode shard_key_selector",
    "qdrant.UuidIndexParams": "is_tenant on_disk enable_hnsw memory",
    "qdrant.Value": "null_value double_value integer_value string_value bool_value struct_value list_value",
    "qdrant.ValuesCount": "lt gt gte lte",
    "qdrant.Vector": "data indices dense sparse multi_dense document image object",
    "qdrant.VectorExample": "id vector",
    "qdrant.VectorInput": "id dense sparse multi_dense document image object",
    "qdrant.VectorParams": (
        "size distance hnsw_config quantization_config on_disk datatype "
        "multivector_config memory"
    ),
    "qdrant.VectorParamsDiff": "hnsw_config quantization_config on_disk",
    "qdrant.VectorParamsDiffMap": "map",
    "qdrant.VectorParamsMap": "map",
    "qdrant.Vectors": "vector vectors",
    "qdrant.VectorsConfig": "params params_map",
    "qdrant.VectorsConfigDiff": "params params_map",
    "qdrant.VectorsSelector": "names",
    "qdrant.WalConfigDiff": "wal_capacity_mb wal_segments_ahead wal_retain_closed",
    "qdrant.WithLookup": "collection with_payload with_vectors",
    "qdrant.WithPayloadSelector": "enable include exclude",
    "qdrant.WithVectorsSelector": "enable include",
}

IGNORED: dict[str, dict[str, str]] = {
    SINGLE_NODE_SHARDING: {
        "qdrant.AbortShardTransfer": "shard_id to_shard_id from_peer_id to_peer_id",
        "qdrant.CountPoints": "shard_key_selector",
        "qdrant.CreateShardKey": "shard_key shards_number replication_factor placement initial_state",
        "qdrant.CreateShardKeyRequest": "collection_name timeout",
        "qdrant.DeleteShardKey": "shard_key",
        "qdrant.DeleteShardKeyRequest": "collection_name timeout",
        "qdrant.DiscoverPoints": "shard_key_selector",
        "qdrant.FacetCounts": "shard_key_selector",
        "qdrant.GetPoints": "shard_key_selector",
        "qdrant.LookupLocation": "shard_key_selector",
        "qdrant.MoveShard": "shard_id to_shard_id from_peer_id to_peer_id method",
        "qdrant.QueryPointGroups": "shard_key_selector",
        "qdrant.QueryPoints": "shard_key_selector",
        "qdrant.RecommendPointGroups": "shard_key_selector",
        "qdrant.RecommendPoints": "shard_key_selector",
        "qdrant.Replica": "shard_id peer_id",
        "qdrant.ReplicatePoints": "from_shard_key to_shard_key filter",
        "qdrant.ReplicateShard": "shard_id to_shard_id from_peer_id to_peer_id method",
        "qdrant.RestartTransfer": "shard_id to_shard_id from_peer_id to_peer_id method",
        "qdrant.ScrollPoints": "shard_key_selector",
        "qdrant.SearchMatrixPoints": "shard_key_selector",
        "qdrant.SearchPointGroups": "shard_key_selector",
        "qdrant.SearchPoints": "shard_key_selector",
        "qdrant.UpdateCollectionClusterSetupRequest": "collection_name timeout",
    },
    ONE_REPLICA_READS: {
        "qdrant.CountPoints": "read_consistency",
        "qdrant.DiscoverBatchPoints": "read_consistency",
        "qdrant.DiscoverPoints": "read_consistency",
        "qdrant.FacetCounts": "read_consistency",
        "qdrant.GetPoints": "read_consistency",
        "qdrant.QueryBatchPoints": "read_consistency",
        "qdrant.QueryPointGroups": "read_consistency",
        "qdrant.QueryPoints": "read_consistency",
        "qdrant.ReadConsistency": "type factor",
        "qdrant.RecommendBatchPoints": "read_consistency",
        "qdrant.RecommendPointGroups": "read_consistency",
        "qdrant.RecommendPoints": "read_consistency",
        "qdrant.ScrollPoints": "read_consistency",
        "qdrant.SearchBatchPoints": "read_consistency",
        "qdrant.SearchMatrixPoints": "read_consistency",
        "qdrant.SearchPointGroups": "read_consistency",
        "qdrant.SearchPoints": "read_consistency",
    },
    ONE_REPLICA_WRITES: {
        "qdrant.ClearPayloadPoints": "ordering",
        "qdrant.CreateFieldIndexCollection": "ordering",
        "qdrant.CreateVectorNameRequest": "ordering",
        "qdrant.DeleteFieldIndexCollection": "ordering",
        "qdrant.DeleteVectorNameRequest": "ordering",
        "qdrant.DeletePayloadPoints": "ordering",
        "qdrant.DeletePointVectors": "ordering",
        "qdrant.DeletePoints": "ordering",
        "qdrant.SetPayloadPoints": "ordering",
        "qdrant.UpdateBatchPoints": "ordering",
        "qdrant.UpdatePointVectors": "ordering",
        "qdrant.UpsertPoints": "ordering",
        "qdrant.WriteOrdering": "type",
    },
    COLLECTION_OP_TIMEOUT: {
        "qdrant.ChangeAliases": "timeout",
        "qdrant.CreateCollection": "timeout",
        "qdrant.DeleteCollection": "timeout",
        "qdrant.UpdateCollection": "timeout",
    },
    RETRIEVE_TIMEOUT: {
        "qdrant.GetPoints": "timeout",
    },
    QUERY_API_PENDING: {
        "qdrant.AcornSearchParams": "enable max_selectivity",
        "qdrant.Document": "text model options",
        "qdrant.Image": "image model options",
        "qdrant.InferenceObject": "object model options",
        "qdrant.SearchParams": "acorn",
    },
    STORAGE_HINT: {
        "qdrant.CollectionParamsDiff": "read_fan_out_factor read_fan_out_delay_ms payload",
        "qdrant.CreateCollection": "payload",
        "qdrant.HnswConfigDiff": "memory",
        "qdrant.PayloadStorageParams": "memory",
        "qdrant.VectorParamsDiff": "memory",
    },
    AUTO_IS_DEFAULT: {
        "qdrant.MaxOptimizationThreads": "setting",
    },
    EMPTY_MARKER: {
        "qdrant.StemmingAlgorithm": "disabled",
    },
    MAX_SIM_ONLY: {
        "qdrant.MultiVectorConfig": "comparator",
    },
    VECTORS_COUNT: {
        "qdrant.Vector": "vectors_count",
    },
}
"""reason → {message: fields}."""

def converted_fields() -> set[str]:
    """`message.field` names the servicers convert."""
    return {f"{message}.{field}" for message, fields in CONVERTED.items() for field in fields.split()}


def ignored_fields() -> dict[str, str]:
    """`message.field` → why the server ignores it."""
    return {f"{message}.{field}": reason for reason, messages in IGNORED.items()
            for message, fields in messages.items() for field in fields.split()}
