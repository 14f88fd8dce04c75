// Quick start from Go over gRPC with stubs generated from Quiver's proto/ (the same .proto files
// Qdrant's Go client is generated from). Build: compat_tests/go/build.sh examples/go ./quickstart
// Run: QDRANT_GRPC=localhost:6334 ./quickstart
package main

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"google.golang.org/grpc"

	pb "quiver/qdrant"
)

func env(key, fallback string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return fallback
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := grpc.DialContext(ctx, env("QDRANT_GRPC", "localhost:6334"), grpc.WithInsecure(), grpc.WithBlock())
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	collections, points := pb.NewCollectionsClient(conn), pb.NewPointsClient(conn)
	name := env("COLLECTION", "quickstart_go")
	wait := true

	_, err = collections.Create(ctx, &pb.CreateCollection{CollectionName: name, VectorsConfig: &pb.VectorsConfig{
		Config: &pb.VectorsConfig_Params{Params: &pb.VectorParams{Size: 4, Distance: pb.Distance_Cosine}}}})
	if err != nil {
		log.Fatal(err)
	}
	point := func(id uint64, v []float32, city string) *pb.PointStruct {
		return &pb.PointStruct{
			Id:      &pb.PointId{PointIdOptions: &pb.PointId_Num{Num: id}},
			Vectors: &pb.Vectors{VectorsOptions: &pb.Vectors_Vector{Vector: &pb.Vector{Vector: &pb.Vector_Dense{Dense: &pb.DenseVector{Data: v}}}}},
			Payload: map[string]*pb.Value{"city": {Kind: &pb.Value_StringValue{StringValue: city}}},
		}
	}
	_, err = points.Upsert(ctx, &pb.UpsertPoints{CollectionName: name, Wait: &wait, Points: []*pb.PointStruct{
		point(1, []float32{0.1, 0.2, 0.3, 0.4}, "Berlin"), point(2, []float32{0.4, 0.3, 0.2, 0.1}, "Paris")}})
	if err != nil {
		log.Fatal(err)
	}
	limit := uint64(1)
	res, err := points.Query(ctx, &pb.QueryPoints{CollectionName: name, Limit: &limit,
		Query:       &pb.Query{Variant: &pb.Query_Nearest{Nearest: &pb.VectorInput{Variant: &pb.VectorInput_Dense{Dense: &pb.DenseVector{Data: []float32{0.1, 0.2, 0.3, 0.5}}}}}},
		WithPayload: &pb.WithPayloadSelector{SelectorOptions: &pb.WithPayloadSelector_Enable{Enable: true}}})
	if err != nil {
		log.Fatal(err)
	}
	top := res.Result[0]
	fmt.Printf("top hit: %d %s\n", top.Id.GetNum(), top.Payload["city"].GetStringValue())
	if _, err := collections.Delete(ctx, &pb.DeleteCollection{CollectionName: name}); err != nil {
		log.Fatal(err)
	}
}
