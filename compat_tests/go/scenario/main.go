// The shared compat scenario (compat_tests/scenario_spec.py) over gRPC from Go, with stubs generated
// from the repository's proto/ files (Qdrant's Go client is generated from the same .proto files; the
// official module cannot be fetched on this machine). Snapshot files are downloaded over REST.
//
// Usage: scenario SPEC.json OUT.json REST_URL GRPC_ADDR PREFIX — writes the observations as JSON.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"

	pb "quiver/qdrant"
)

type sparseVec struct {
	Indices []uint32  `json:"indices"`
	Values  []float32 `json:"values"`
}

type point struct {
	ID      interface{}            `json:"id"`
	Dense   []float32              `json:"dense"`
	Sparse  sparseVec              `json:"sparse"`
	Payload map[string]interface{} `json:"payload"`
}

type spec struct {
	Dim         uint64             `json:"dim"`
	Dense       string             `json:"dense"`
	Sparse      string             `json:"sparse"`
	Batch       int                `json:"batch"`
	Collections map[string][]point `json:"collections"`
	Indexes     []struct {
		Field    string `json:"field"`
		Type     string `json:"type"`
		IsTenant bool   `json:"is_tenant"`
	} `json:"indexes"`
	SearchTenant struct {
		Vector []float32 `json:"vector"`
		Tenant string    `json:"tenant"`
		Limit  uint64    `json:"limit"`
	} `json:"search_tenant"`
	SearchFiltered struct {
		Vector     []float32 `json:"vector"`
		YearGte    float64   `json:"year_gte"`
		YearLt     float64   `json:"year_lt"`
		CreatedGte string    `json:"created_gte"`
		Text       string    `json:"text"`
		Limit      uint64    `json:"limit"`
	} `json:"search_filtered"`
	Hybrid struct {
		Dense         []float32 `json:"dense"`
		Sparse        sparseVec `json:"sparse"`
		PrefetchLimit uint64    `json:"prefetch_limit"`
		Limit         uint64    `json:"limit"`
		Tenant        string    `json:"tenant"`
	} `json:"hybrid"`
	Recommend struct {
		Positive []interface{} `json:"positive"`
		Negative []interface{} `json:"negative"`
		Tenant   string        `json:"tenant"`
		Limit    uint64        `json:"limit"`
	} `json:"recommend"`
	Groups struct {
		Vector    []float32 `json:"vector"`
		GroupBy   string    `json:"group_by"`
		Limit     uint64    `json:"limit"`
		GroupSize uint64    `json:"group_size"`
	} `json:"groups"`
	ScrollLimit  uint32    `json:"scroll_limit"`
	CountTenant  string    `json:"count_tenant"`
	WrongVector  []float32 `json:"wrong_vector"`
	SetPayload   struct {
		Payload  map[string]interface{} `json:"payload"`
		Tenant   string                 `json:"tenant"`
		YearGte  float64                `json:"year_gte"`
		Retrieve []interface{}          `json:"retrieve"`
	} `json:"set_payload"`
	DeleteFaqYearLt float64 `json:"delete_faq_year_lt"`
	Alias           string  `json:"alias"`
}

var ctx = context.Background()

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "scenario failed:", err)
		os.Exit(1)
	}
}

func pointID(id interface{}) *pb.PointId {
	if n, ok := id.(json.Number); ok {
		v, err := n.Int64()
		must(err)
		return &pb.PointId{PointIdOptions: &pb.PointId_Num{Num: uint64(v)}}
	}
	return &pb.PointId{PointIdOptions: &pb.PointId_Uuid{Uuid: id.(string)}}
}

func idOut(id *pb.PointId) interface{} {
	if n, ok := id.PointIdOptions.(*pb.PointId_Num); ok {
		return n.Num
	}
	return id.GetUuid()
}

func toValue(v interface{}) *pb.Value {
	switch x := v.(type) {
	case nil:
		return &pb.Value{Kind: &pb.Value_NullValue{}}
	case bool:
		return &pb.Value{Kind: &pb.Value_BoolValue{BoolValue: x}}
	case string:
		return &pb.Value{Kind: &pb.Value_StringValue{StringValue: x}}
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return &pb.Value{Kind: &pb.Value_IntegerValue{IntegerValue: i}}
		}
		f, err := x.Float64()
		must(err)
		return &pb.Value{Kind: &pb.Value_DoubleValue{DoubleValue: f}}
	case []interface{}:
		values := make([]*pb.Value, len(x))
		for i, e := range x {
			values[i] = toValue(e)
		}
		return &pb.Value{Kind: &pb.Value_ListValue{ListValue: &pb.ListValue{Values: values}}}
	case map[string]interface{}:
		return &pb.Value{Kind: &pb.Value_StructValue{StructValue: &pb.Struct{Fields: toPayload(x)}}}
	}
	must(fmt.Errorf("unsupported payload value %T", v))
	return nil
}

func toPayload(m map[string]interface{}) map[string]*pb.Value {
	out := make(map[string]*pb.Value, len(m))
	for k, v := range m {
		out[k] = toValue(v)
	}
	return out
}

func fromValue(v *pb.Value) interface{} {
	switch x := v.Kind.(type) {
	case *pb.Value_BoolValue:
		return x.BoolValue
	case *pb.Value_StringValue:
		return x.StringValue
	case *pb.Value_IntegerValue:
		return x.IntegerValue
	case *pb.Value_DoubleValue:
		return x.DoubleValue
	case *pb.Value_ListValue:
		values := make([]interface{}, len(x.ListValue.Values))
		for i, e := range x.ListValue.Values {
			values[i] = fromValue(e)
		}
		return values
	case *pb.Value_StructValue:
		return fromPayload(x.StructValue.Fields)
	}
	return nil
}

func fromPayload(m map[string]*pb.Value) map[string]interface{} {
	out := make(map[string]interface{}, len(m))
	for k, v := range m {
		out[k] = fromValue(v)
	}
	return out
}

func f64(x float64) *float64 { return &x }
func u64(x uint64) *uint64   { return &x }
func str(x string) *string   { return &x }
func yes() *bool             { t := true; return &t }

func fieldCond(f *pb.FieldCondition) *pb.Condition {
	return &pb.Condition{ConditionOneOf: &pb.Condition_Field{Field: f}}
}
func keyword(key, value string) *pb.Condition {
	return fieldCond(&pb.FieldCondition{Key: key, Match: &pb.Match{MatchValue: &pb.Match_Keyword{Keyword: value}}})
}
func rangeCond(key string, r *pb.Range) *pb.Condition {
	return fieldCond(&pb.FieldCondition{Key: key, Range: r})
}
func denseQuery(data []float32) *pb.Query {
	return &pb.Query{Variant: &pb.Query_Nearest{Nearest: &pb.VectorInput{Variant: &pb.VectorInput_Dense{Dense: &pb.DenseVector{Data: data}}}}}
}
func byFilter(f *pb.Filter) *pb.PointsSelector {
	return &pb.PointsSelector{PointsSelectorOneOf: &pb.PointsSelector_Filter{Filter: f}}
}
func enable(on bool) *pb.WithPayloadSelector {
	return &pb.WithPayloadSelector{SelectorOptions: &pb.WithPayloadSelector_Enable{Enable: on}}
}

type hit struct {
	ID    interface{} `json:"id"`
	Score float32     `json:"score"`
}

func scored(points []*pb.ScoredPoint) []hit {
	out := make([]hit, 0, len(points))
	for _, p := range points {
		out = append(out, hit{idOut(p.Id), p.Score})
	}
	return out
}

var category = map[codes.Code]string{
	codes.InvalidArgument: "bad_request", codes.NotFound: "not_found", codes.AlreadyExists: "already_exists",
}

func errorCategory(err error) string {
	if err == nil {
		return "no_error"
	}
	code := status.Code(err)
	if c, ok := category[code]; ok {
		return c
	}
	return "grpc_" + code.String()
}

var fieldTypes = map[string]pb.FieldType{
	"keyword": pb.FieldType_FieldTypeKeyword, "integer": pb.FieldType_FieldTypeInteger,
	"datetime": pb.FieldType_FieldTypeDatetime, "text": pb.FieldType_FieldTypeText,
}

func main() {
	specPath, outPath, restURL, grpcAddr, prefix := os.Args[1], os.Args[2], os.Args[3], os.Args[4], os.Args[5]
	raw, err := os.ReadFile(specPath)
	must(err)
	var s spec
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	must(dec.Decode(&s))

	conn, err := grpc.Dial(grpcAddr, grpc.WithInsecure(), grpc.WithBlock(), grpc.WithTimeout(30*time.Second))
	must(err)
	defer conn.Close()
	collections, points, snapshots := pb.NewCollectionsClient(conn), pb.NewPointsClient(conn), pb.NewSnapshotsClient(conn)
	docs, faq := prefix+"_docs", prefix+"_faq"
	out := map[string]interface{}{}
	count := func(name string, f *pb.Filter) uint64 {
		r, err := points.Count(ctx, &pb.CountPoints{CollectionName: name, Filter: f, Exact: yes()})
		must(err)
		return r.Result.Count
	}
	vectorsConfig := &pb.VectorsConfig{Config: &pb.VectorsConfig_ParamsMap{ParamsMap: &pb.VectorParamsMap{
		Map: map[string]*pb.VectorParams{s.Dense: {Size: s.Dim, Distance: pb.Distance_Cosine}}}}}

	keys := []string{"docs", "faq"}
	for _, key := range keys {
		name := prefix + "_" + key
		_, err := collections.Create(ctx, &pb.CreateCollection{
			CollectionName: name, VectorsConfig: vectorsConfig,
			SparseVectorsConfig: &pb.SparseVectorConfig{Map: map[string]*pb.SparseVectorParams{
				s.Sparse: {Modifier: pb.Modifier_Idf.Enum()}}},
		})
		must(err)
		for _, index := range s.Indexes {
			req := &pb.CreateFieldIndexCollection{CollectionName: name, Wait: yes(), FieldName: index.Field,
				FieldType: fieldTypes[index.Type].Enum()}
			if index.IsTenant {
				req.FieldIndexParams = &pb.PayloadIndexParams{IndexParams: &pb.PayloadIndexParams_KeywordIndexParams{
					KeywordIndexParams: &pb.KeywordIndexParams{IsTenant: yes()}}}
			}
			_, err := points.CreateFieldIndex(ctx, req)
			must(err)
		}
		all := s.Collections[key]
		for start := 0; start < len(all); start += s.Batch {
			end := start + s.Batch
			if end > len(all) {
				end = len(all)
			}
			batch := make([]*pb.PointStruct, 0, end-start)
			for _, p := range all[start:end] {
				batch = append(batch, &pb.PointStruct{
					Id: pointID(p.ID), Payload: toPayload(p.Payload),
					Vectors: &pb.Vectors{VectorsOptions: &pb.Vectors_Vectors{Vectors: &pb.NamedVectors{Vectors: map[string]*pb.Vector{
						s.Dense:  {Vector: &pb.Vector_Dense{Dense: &pb.DenseVector{Data: p.Dense}}},
						s.Sparse: {Vector: &pb.Vector_Sparse{Sparse: &pb.SparseVector{Indices: p.Sparse.Indices, Values: p.Sparse.Values}}},
					}}}},
				})
			}
			_, err := points.Upsert(ctx, &pb.UpsertPoints{CollectionName: name, Wait: yes(), Points: batch})
			must(err)
		}
	}
	info := map[string]map[string]string{}
	for _, key := range keys {
		r, err := collections.Get(ctx, &pb.GetCollectionInfoRequest{CollectionName: prefix + "_" + key})
		must(err)
		info[key] = map[string]string{}
		for field, schema := range r.Result.PayloadSchema {
			info[key][field] = strings.ToLower(schema.DataType.String())
		}
	}
	out["info"] = info

	query := func(req *pb.QueryPoints) []hit {
		req.CollectionName = docs
		r, err := points.Query(ctx, req)
		must(err)
		return scored(r.Result)
	}
	out["search_tenant"] = query(&pb.QueryPoints{Query: denseQuery(s.SearchTenant.Vector), Using: str(s.Dense),
		Filter: &pb.Filter{Must: []*pb.Condition{keyword("tenant", s.SearchTenant.Tenant)}}, Limit: u64(s.SearchTenant.Limit)})

	sf := s.SearchFiltered
	created, err := time.Parse(time.RFC3339, sf.CreatedGte)
	must(err)
	out["search_filtered"] = query(&pb.QueryPoints{Query: denseQuery(sf.Vector), Using: str(s.Dense), Limit: u64(sf.Limit),
		Filter: &pb.Filter{Must: []*pb.Condition{
			rangeCond("year", &pb.Range{Gte: f64(sf.YearGte), Lt: f64(sf.YearLt)}),
			fieldCond(&pb.FieldCondition{Key: "created", DatetimeRange: &pb.DatetimeRange{Gte: timestamppb.New(created)}}),
			fieldCond(&pb.FieldCondition{Key: "title", Match: &pb.Match{MatchValue: &pb.Match_Text{Text: sf.Text}}}),
		}}})

	h := s.Hybrid
	for label, fusion := range map[string]pb.Fusion{"rrf": pb.Fusion_RRF, "dbsf": pb.Fusion_DBSF} {
		out["hybrid_"+label] = query(&pb.QueryPoints{
			Prefetch: []*pb.PrefetchQuery{
				{Query: denseQuery(h.Dense), Using: str(s.Dense), Limit: u64(h.PrefetchLimit)},
				{Query: &pb.Query{Variant: &pb.Query_Nearest{Nearest: &pb.VectorInput{Variant: &pb.VectorInput_Sparse{
					Sparse: &pb.SparseVector{Indices: h.Sparse.Indices, Values: h.Sparse.Values}}}}},
					Using: str(s.Sparse), Limit: u64(h.PrefetchLimit)},
			},
			Query:  &pb.Query{Variant: &pb.Query_Fusion{Fusion: fusion}},
			Filter: &pb.Filter{Must: []*pb.Condition{keyword("tenant", h.Tenant)}}, Limit: u64(h.Limit),
		})
	}

	ids := func(list []interface{}) []*pb.VectorInput {
		inputs := make([]*pb.VectorInput, len(list))
		for i, id := range list {
			inputs[i] = &pb.VectorInput{Variant: &pb.VectorInput_Id{Id: pointID(id)}}
		}
		return inputs
	}
	rc := s.Recommend
	out["recommend"] = query(&pb.QueryPoints{Using: str(s.Dense), Limit: u64(rc.Limit),
		Query:  &pb.Query{Variant: &pb.Query_Recommend{Recommend: &pb.RecommendInput{Positive: ids(rc.Positive), Negative: ids(rc.Negative)}}},
		Filter: &pb.Filter{Must: []*pb.Condition{keyword("tenant", rc.Tenant)}}})

	g := s.Groups
	gr, err := points.QueryGroups(ctx, &pb.QueryPointGroups{CollectionName: docs, Query: denseQuery(g.Vector), Using: str(s.Dense),
		GroupBy: g.GroupBy, Limit: u64(g.Limit), GroupSize: u64(g.GroupSize), WithPayload: enable(false)})
	must(err)
	groups := []map[string]interface{}{}
	for _, group := range gr.Result.Groups {
		var key interface{}
		switch k := group.Id.Kind.(type) {
		case *pb.GroupId_StringValue:
			key = k.StringValue
		case *pb.GroupId_IntegerValue:
			key = k.IntegerValue
		case *pb.GroupId_UnsignedValue:
			key = k.UnsignedValue
		}
		groups = append(groups, map[string]interface{}{"id": key, "hits": scored(group.Hits)})
	}
	out["groups"] = groups

	for _, key := range keys {
		all := []interface{}{}
		var offset *pb.PointId
		for {
			limit := s.ScrollLimit
			page, err := points.Scroll(ctx, &pb.ScrollPoints{CollectionName: prefix + "_" + key, Limit: &limit, Offset: offset,
				WithPayload: enable(false)})
			must(err)
			for _, p := range page.Result {
				all = append(all, idOut(p.Id))
			}
			if offset = page.NextPageOffset; offset == nil {
				break
			}
		}
		out["scroll_"+key] = all
	}

	out["count_docs"] = count(docs, nil)
	out["count_tenant"] = count(docs, &pb.Filter{Must: []*pb.Condition{keyword("tenant", s.CountTenant)}})

	_, wrongErr := points.Upsert(ctx, &pb.UpsertPoints{CollectionName: docs, Wait: yes(), Points: []*pb.PointStruct{{
		Id: pointID(s.Collections["docs"][0].ID),
		Vectors: &pb.Vectors{VectorsOptions: &pb.Vectors_Vectors{Vectors: &pb.NamedVectors{Vectors: map[string]*pb.Vector{
			s.Dense: {Vector: &pb.Vector_Dense{Dense: &pb.DenseVector{Data: s.WrongVector}}}}}}}}}})
	_, missingErr := points.Count(ctx, &pb.CountPoints{CollectionName: prefix + "_missing", Exact: yes()})
	_, existingErr := collections.Create(ctx, &pb.CreateCollection{CollectionName: docs, VectorsConfig: vectorsConfig})
	out["errors"] = map[string]string{"wrong_dimension": errorCategory(wrongErr),
		"missing_collection": errorCategory(missingErr), "existing_collection": errorCategory(existingErr)}
	out["count_after_errors"] = count(docs, nil)

	sp := s.SetPayload
	_, err = points.SetPayload(ctx, &pb.SetPayloadPoints{CollectionName: docs, Wait: yes(), Payload: toPayload(sp.Payload),
		PointsSelector: byFilter(&pb.Filter{Must: []*pb.Condition{keyword("tenant", sp.Tenant), rangeCond("year", &pb.Range{Gte: f64(sp.YearGte)})}})})
	must(err)
	out["set_payload_count"] = count(docs, &pb.Filter{Must: []*pb.Condition{
		fieldCond(&pb.FieldCondition{Key: "reviewed", Match: &pb.Match{MatchValue: &pb.Match_Boolean{Boolean: true}}})}})
	retrieve := make([]*pb.PointId, len(sp.Retrieve))
	for i, id := range sp.Retrieve {
		retrieve[i] = pointID(id)
	}
	got, err := points.Get(ctx, &pb.GetPoints{CollectionName: docs, Ids: retrieve, WithPayload: enable(true)})
	must(err)
	records := []map[string]interface{}{}
	for _, r := range got.Result {
		records = append(records, map[string]interface{}{"id": idOut(r.Id), "payload": fromPayload(r.Payload)})
	}
	out["set_payload_records"] = records

	_, err = points.Delete(ctx, &pb.DeletePoints{CollectionName: faq, Wait: yes(),
		Points: byFilter(&pb.Filter{Must: []*pb.Condition{rangeCond("year", &pb.Range{Lt: f64(s.DeleteFaqYearLt)})}})})
	must(err)
	out["delete_count"] = count(faq, nil)

	alias := prefix + "_" + s.Alias
	createAlias := func(collection string) *pb.AliasOperations {
		return &pb.AliasOperations{Action: &pb.AliasOperations_CreateAlias{CreateAlias: &pb.CreateAlias{CollectionName: collection, AliasName: alias}}}
	}
	_, err = collections.UpdateAliases(ctx, &pb.ChangeAliases{Actions: []*pb.AliasOperations{createAlias(docs)}})
	must(err)
	out["alias_before"] = count(alias, nil)
	_, err = collections.UpdateAliases(ctx, &pb.ChangeAliases{Actions: []*pb.AliasOperations{
		{Action: &pb.AliasOperations_DeleteAlias{DeleteAlias: &pb.DeleteAlias{AliasName: alias}}}, createAlias(faq)}})
	must(err)
	out["alias_after"] = count(alias, nil)
	listed, err := collections.ListAliases(ctx, &pb.ListAliasesRequest{})
	must(err)
	pairs := [][]string{}
	for _, a := range listed.Aliases {
		if strings.HasPrefix(a.AliasName, prefix+"_") {
			pairs = append(pairs, []string{strings.TrimPrefix(a.AliasName, prefix+"_"), strings.TrimPrefix(a.CollectionName, prefix+"_")})
		}
	}
	sort.Slice(pairs, func(i, j int) bool { return pairs[i][0]+"\x00"+pairs[i][1] < pairs[j][0]+"\x00"+pairs[j][1] })
	out["aliases"] = pairs

	snap, err := snapshots.Create(ctx, &pb.CreateSnapshotRequest{CollectionName: faq})
	must(err)
	list, err := snapshots.List(ctx, &pb.ListSnapshotsRequest{CollectionName: faq})
	must(err)
	var entry *pb.SnapshotDescription
	for _, d := range list.SnapshotDescriptions {
		if d.Name == snap.SnapshotDescription.Name {
			entry = d
		}
	}
	resp, err := http.Get(restURL + "/collections/" + faq + "/snapshots/" + snap.SnapshotDescription.Name)
	must(err)
	body, err := io.ReadAll(resp.Body)
	must(err)
	resp.Body.Close()
	sum := sha256.Sum256(body)
	out["snapshot"] = map[string]bool{
		"listed":           entry != nil,
		"size_matches":     entry != nil && entry.Size == int64(len(body)),
		"checksum_matches": entry != nil && entry.GetChecksum() == hex.EncodeToString(sum[:]),
	}

	encoded, err := json.Marshal(out)
	must(err)
	must(os.WriteFile(outPath, encoded, 0o644))
}
