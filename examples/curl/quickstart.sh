#!/usr/bin/env bash
# Quick start with curl: start Quiver, then `QDRANT_URL=http://localhost:6333 bash quickstart.sh`.
set -euo pipefail
url=${QDRANT_URL:-http://localhost:6333}
name=${COLLECTION:-quickstart_curl}
json=(-sS --fail-with-body -H 'Content-Type: application/json')

curl "${json[@]}" -X PUT "$url/collections/$name" -d '{"vectors": {"size": 4, "distance": "Cosine"}}'
echo
curl "${json[@]}" -X PUT "$url/collections/$name/points?wait=true" -d '{"points": [
  {"id": 1, "vector": [0.1, 0.2, 0.3, 0.4], "payload": {"city": "Berlin"}},
  {"id": 2, "vector": [0.4, 0.3, 0.2, 0.1], "payload": {"city": "Paris"}}]}'
echo
curl "${json[@]}" -X POST "$url/collections/$name/points/query" \
     -d '{"query": [0.1, 0.2, 0.3, 0.5], "limit": 1, "with_payload": true}'
echo
curl "${json[@]}" -X DELETE "$url/collections/$name"
echo
