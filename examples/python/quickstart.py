"""Quick start with the stock Python client: `pip install qdrant-client`, start Quiver, then
`QDRANT_URL=http://localhost:6333 python quickstart.py`."""

import os

from qdrant_client import QdrantClient, models

client = QdrantClient(url=os.environ.get("QDRANT_URL", "http://localhost:6333"))
name = os.environ.get("COLLECTION", "quickstart_py")
client.create_collection(name, vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE))
client.upsert(name, wait=True, points=[
    models.PointStruct(id=1, vector=[0.1, 0.2, 0.3, 0.4], payload={"city": "Berlin"}),
    models.PointStruct(id=2, vector=[0.4, 0.3, 0.2, 0.1], payload={"city": "Paris"}),
])
hits = client.query_points(name, query=[0.1, 0.2, 0.3, 0.5], limit=1, with_payload=True).points
print(f"top hit: {hits[0].id} {hits[0].payload['city']}")
client.delete_collection(name)
