// Quick start with the stock JS REST client: `npm install @qdrant/js-client-rest@1.18.0` (1.19 needs
// Node >= 22), start Quiver, then `QDRANT_URL=http://localhost:6333 node quickstart.mjs`.
import { QdrantClient } from '@qdrant/js-client-rest';

const client = new QdrantClient({ url: process.env.QDRANT_URL ?? 'http://localhost:6333' });
const name = process.env.COLLECTION ?? 'quickstart_js';
await client.createCollection(name, { vectors: { size: 4, distance: 'Cosine' } });
await client.upsert(name, { wait: true, points: [
  { id: 1, vector: [0.1, 0.2, 0.3, 0.4], payload: { city: 'Berlin' } },
  { id: 2, vector: [0.4, 0.3, 0.2, 0.1], payload: { city: 'Paris' } },
] });
const { points } = await client.query(name, { query: [0.1, 0.2, 0.3, 0.5], limit: 1, with_payload: true });
console.log(`top hit: ${points[0].id} ${points[0].payload.city}`);
await client.deleteCollection(name);
