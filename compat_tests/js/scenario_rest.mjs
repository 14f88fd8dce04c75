// The shared compat scenario (compat_tests/scenario_spec.py) through the stock @qdrant/js-client-rest.
// Usage: node scenario_rest.mjs SPEC.json OUT.json REST_URL PREFIX — writes the observations as JSON.
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { QdrantClient } from '@qdrant/js-client-rest';

const [specPath, outPath, url, prefix] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const client = new QdrantClient({ url, checkCompatibility: false, timeout: 60000 });
const { dense, sparse } = spec;
const names = Object.fromEntries(Object.keys(spec.collections).map((k) => [k, `${prefix}_${k}`]));
const docs = names.docs;
const faq = names.faq;
const out = {};

const match = (key, value) => ({ key, match: { value } });
const scored = (points) => points.map((p) => ({ id: p.id, score: p.score }));
const CATEGORY = { 400: 'bad_request', 422: 'bad_request', 404: 'not_found', 409: 'already_exists' };

async function category(call) {
  try {
    await call();
  } catch (err) {
    const status = err.status ?? Number(/Unexpected Response: (\d{3})/.exec(String(err.message))?.[1]);
    return CATEGORY[status] ?? `http_${status}`;
  }
  return 'no_error';
}

async function count(name, filter) {
  return (await client.count(name, { exact: true, filter })).count;
}

for (const [key, name] of Object.entries(names)) {
  await client.createCollection(name, {
    vectors: { [dense]: { size: spec.dim, distance: 'Cosine' } },
    sparse_vectors: { [sparse]: { modifier: 'idf' } },
  });
  for (const index of spec.indexes) {
    const schema = index.is_tenant ? { type: index.type, is_tenant: true } : index.type;
    await client.createPayloadIndex(name, { field_name: index.field, field_schema: schema, wait: true });
  }
  const points = spec.collections[key];
  for (let start = 0; start < points.length; start += spec.batch) {
    const batch = points.slice(start, start + spec.batch).map((p) => ({
      id: p.id, vector: { [dense]: p.dense, [sparse]: p.sparse }, payload: p.payload,
    }));
    await client.upsert(name, { wait: true, points: batch });
  }
}
out.info = {};
for (const [key, name] of Object.entries(names)) {
  const schema = (await client.getCollection(name)).payload_schema;
  out.info[key] = Object.fromEntries(Object.entries(schema).map(([field, v]) => [field, v.data_type]));
}

let q = spec.search_tenant;
out.search_tenant = scored((await client.query(docs, {
  query: q.vector, using: dense, filter: { must: [match('tenant', q.tenant)] }, limit: q.limit,
})).points);

q = spec.search_filtered;
out.search_filtered = scored((await client.query(docs, {
  query: q.vector, using: dense, limit: q.limit, filter: { must: [
    { key: 'year', range: { gte: q.year_gte, lt: q.year_lt } },
    { key: 'created', range: { gte: q.created_gte } },
    { key: 'title', match: { text: q.text } },
  ] },
})).points);

q = spec.hybrid;
for (const fusion of ['rrf', 'dbsf']) {
  out[`hybrid_${fusion}`] = scored((await client.query(docs, {
    prefetch: [
      { query: q.dense, using: dense, limit: q.prefetch_limit },
      { query: q.sparse, using: sparse, limit: q.prefetch_limit },
    ],
    query: { fusion }, filter: { must: [match('tenant', q.tenant)] }, limit: q.limit,
  })).points);
}

q = spec.recommend;
out.recommend = scored((await client.query(docs, {
  query: { recommend: { positive: q.positive, negative: q.negative } }, using: dense,
  filter: { must: [match('tenant', q.tenant)] }, limit: q.limit,
})).points);

q = spec.groups;
out.groups = (await client.queryGroups(docs, {
  query: q.vector, using: dense, group_by: q.group_by, limit: q.limit, group_size: q.group_size,
})).groups.map((g) => ({ id: g.id, hits: scored(g.hits) }));

for (const [key, name] of Object.entries(names)) {
  const ids = [];
  let offset;
  do {
    const page = await client.scroll(name, { limit: spec.scroll_limit, offset, with_payload: false, with_vector: false });
    ids.push(...page.points.map((p) => p.id));
    offset = page.next_page_offset ?? undefined;
  } while (offset !== undefined);
  out[`scroll_${key}`] = ids;
}

out.count_docs = await count(docs);
out.count_tenant = await count(docs, { must: [match('tenant', spec.count_tenant)] });

const wrong = { id: spec.collections.docs[0].id, vector: { [dense]: spec.wrong_vector } };
out.errors = {
  wrong_dimension: await category(() => client.upsert(docs, { wait: true, points: [wrong] })),
  missing_collection: await category(() => client.count(`${prefix}_missing`, { exact: true })),
  existing_collection: await category(() => client.createCollection(docs, {
    vectors: { [dense]: { size: spec.dim, distance: 'Cosine' } },
  })),
};
out.count_after_errors = await count(docs);

q = spec.set_payload;
await client.setPayload(docs, {
  payload: q.payload, wait: true,
  filter: { must: [match('tenant', q.tenant), { key: 'year', range: { gte: q.year_gte } }] },
});
out.set_payload_count = await count(docs, { must: [match('reviewed', true)] });
out.set_payload_records = (await client.retrieve(docs, { ids: q.retrieve, with_payload: true }))
  .map((r) => ({ id: r.id, payload: r.payload }));

await client.delete(faq, { wait: true, filter: { must: [{ key: 'year', range: { lt: spec.delete_faq_year_lt } }] } });
out.delete_count = await count(faq);

const alias = `${prefix}_${spec.alias}`;
await client.updateCollectionAliases({ actions: [{ create_alias: { collection_name: docs, alias_name: alias } }] });
out.alias_before = await count(alias);
await client.updateCollectionAliases({ actions: [
  { delete_alias: { alias_name: alias } },
  { create_alias: { collection_name: faq, alias_name: alias } },
] });
out.alias_after = await count(alias);
const strip = (s) => s.slice(prefix.length + 1);
out.aliases = (await client.getAliases()).aliases
  .filter((a) => a.alias_name.startsWith(`${prefix}_`))
  .map((a) => [strip(a.alias_name), strip(a.collection_name)])
  .sort();

const created = await client.createSnapshot(faq, { wait: true });
const entry = (await client.listSnapshots(faq)).find((s) => s.name === created.name);
// the REST client has no download call: a plain GET, as Qdrant's docs show
const body = Buffer.from(await (await fetch(`${url}/collections/${faq}/snapshots/${created.name}`)).arrayBuffer());
out.snapshot = {
  listed: entry !== undefined,
  size_matches: entry !== undefined && entry.size === body.length,
  checksum_matches: entry !== undefined && entry.checksum === createHash('sha256').update(body).digest('hex'),
};

writeFileSync(outPath, JSON.stringify(out));
