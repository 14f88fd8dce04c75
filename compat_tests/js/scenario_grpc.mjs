// The shared compat scenario (compat_tests/scenario_spec.py) through the stock @qdrant/js-client-grpc.
// Usage: node scenario_grpc.mjs SPEC.json OUT.json REST_URL GRPC_PORT PREFIX — writes observations as JSON.
// Snapshot files are downloaded over REST (Qdrant serves downloads only there).
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import {
  ConnectError, ConnectErrorCode, Distance, FieldType, Fusion, Modifier, PayloadSchemaType, QdrantClient,
} from '@qdrant/js-client-grpc';

const [specPath, outPath, restUrl, grpcPort, prefix] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specPath, 'utf8'));
const client = new QdrantClient({ host: '127.0.0.1', port: Number(grpcPort), checkCompatibility: false, timeout: 60000 });
const points = client.api('points');
const collections = client.api('collections');
const snapshots = client.api('snapshots');
const { dense, sparse } = spec;
const names = Object.fromEntries(Object.keys(spec.collections).map((k) => [k, `${prefix}_${k}`]));
const docs = names.docs;
const faq = names.faq;
const out = {};

// --- wire helpers: plain JS values <-> qdrant protobuf messages -------------------------------------
const pointId = (id) => ({ pointIdOptions: typeof id === 'number' ? { case: 'num', value: BigInt(id) } : { case: 'uuid', value: id } });
const idOut = (id) => (id.pointIdOptions.case === 'num' ? Number(id.pointIdOptions.value) : id.pointIdOptions.value);

function toValue(v) {
  if (v === null) return { kind: { case: 'nullValue', value: 0 } };
  if (typeof v === 'boolean') return { kind: { case: 'boolValue', value: v } };
  if (typeof v === 'string') return { kind: { case: 'stringValue', value: v } };
  if (typeof v === 'number') {
    return Number.isInteger(v) ? { kind: { case: 'integerValue', value: BigInt(v) } } : { kind: { case: 'doubleValue', value: v } };
  }
  if (Array.isArray(v)) return { kind: { case: 'listValue', value: { values: v.map(toValue) } } };
  return { kind: { case: 'structValue', value: { fields: toPayload(v) } } };
}
const toPayload = (obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, toValue(v)]));

function fromValue(v) {
  switch (v.kind.case) {
    case 'integerValue': return Number(v.kind.value);
    case 'listValue': return v.kind.value.values.map(fromValue);
    case 'structValue': return fromPayload(v.kind.value.fields);
    case 'nullValue': return null;
    default: return v.kind.value;
  }
}
const fromPayload = (fields) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, fromValue(v)]));

const denseInput = (data) => ({ variant: { case: 'dense', value: { data } } });
const sparseInput = (s) => ({ variant: { case: 'sparse', value: { indices: s.indices, values: s.values } } });
const nearest = (input) => ({ variant: { case: 'nearest', value: input } });
const field = (f) => ({ conditionOneOf: { case: 'field', value: f } });
const keyword = (key, value) => field({ key, match: { matchValue: { case: 'keyword', value } } });
const range = (key, r) => field({ key, range: r });
const timestamp = (iso) => ({ seconds: BigInt(Math.floor(Date.parse(iso) / 1000)), nanos: 0 });
const filterSelector = (filter) => ({ pointsSelectorOneOf: { case: 'filter', value: filter } });
const scored = (hits) => hits.map((p) => ({ id: idOut(p.id), score: p.score }));
const noPayload = { selectorOptions: { case: 'enable', value: false } };
const CATEGORY = {
  [ConnectErrorCode.InvalidArgument]: 'bad_request', [ConnectErrorCode.NotFound]: 'not_found',
  [ConnectErrorCode.AlreadyExists]: 'already_exists',
};
const SCHEMA = {
  [PayloadSchemaType.Keyword]: 'keyword', [PayloadSchemaType.Integer]: 'integer',
  [PayloadSchemaType.Datetime]: 'datetime', [PayloadSchemaType.Text]: 'text',
};
const FIELD_TYPE = {
  keyword: FieldType.FieldTypeKeyword, integer: FieldType.FieldTypeInteger,
  datetime: FieldType.FieldTypeDatetime, text: FieldType.FieldTypeText,
};

async function category(call) {
  try {
    await call();
  } catch (err) {
    if (err instanceof ConnectError) return CATEGORY[err.code] ?? `grpc_${err.code}`;
    throw err;
  }
  return 'no_error';
}

async function count(collectionName, filter) {
  return Number((await points.count({ collectionName, exact: true, filter })).result.count);
}

// --- the scenario ------------------------------------------------------------------------------------
for (const [key, name] of Object.entries(names)) {
  await collections.create({
    collectionName: name,
    vectorsConfig: { config: { case: 'paramsMap', value: { map: { [dense]: { size: BigInt(spec.dim), distance: Distance.Cosine } } } } },
    sparseVectorsConfig: { map: { [sparse]: { modifier: Modifier.Idf } } },
  });
  for (const index of spec.indexes) {
    await points.createFieldIndex({
      collectionName: name, wait: true, fieldName: index.field, fieldType: FIELD_TYPE[index.type],
      fieldIndexParams: index.is_tenant ? { indexParams: { case: 'keywordIndexParams', value: { isTenant: true } } } : undefined,
    });
  }
  const all = spec.collections[key];
  for (let start = 0; start < all.length; start += spec.batch) {
    await points.upsert({
      collectionName: name, wait: true,
      points: all.slice(start, start + spec.batch).map((p) => ({
        id: pointId(p.id),
        vectors: { vectorsOptions: { case: 'vectors', value: { vectors: {
          [dense]: { vector: { case: 'dense', value: { data: p.dense } } },
          [sparse]: { vector: { case: 'sparse', value: p.sparse } },
        } } } },
        payload: toPayload(p.payload),
      })),
    });
  }
}
out.info = {};
for (const [key, name] of Object.entries(names)) {
  const schema = (await collections.get({ collectionName: name })).result.payloadSchema;
  out.info[key] = Object.fromEntries(Object.entries(schema).map(([f, v]) => [f, SCHEMA[v.dataType] ?? String(v.dataType)]));
}

let q = spec.search_tenant;
out.search_tenant = scored((await points.query({
  collectionName: docs, query: nearest(denseInput(q.vector)), using: dense,
  filter: { must: [keyword('tenant', q.tenant)] }, limit: BigInt(q.limit),
})).result);

q = spec.search_filtered;
out.search_filtered = scored((await points.query({
  collectionName: docs, query: nearest(denseInput(q.vector)), using: dense, limit: BigInt(q.limit),
  filter: { must: [
    range('year', { gte: q.year_gte, lt: q.year_lt }),
    field({ key: 'created', datetimeRange: { gte: timestamp(q.created_gte) } }),
    field({ key: 'title', match: { matchValue: { case: 'text', value: q.text } } }),
  ] },
})).result);

q = spec.hybrid;
for (const [label, fusion] of [['rrf', Fusion.RRF], ['dbsf', Fusion.DBSF]]) {
  out[`hybrid_${label}`] = scored((await points.query({
    collectionName: docs,
    prefetch: [
      { query: nearest(denseInput(q.dense)), using: dense, limit: BigInt(q.prefetch_limit) },
      { query: nearest(sparseInput(q.sparse)), using: sparse, limit: BigInt(q.prefetch_limit) },
    ],
    query: { variant: { case: 'fusion', value: fusion } },
    filter: { must: [keyword('tenant', q.tenant)] }, limit: BigInt(q.limit),
  })).result);
}

q = spec.recommend;
const idInput = (id) => ({ variant: { case: 'id', value: pointId(id) } });
out.recommend = scored((await points.query({
  collectionName: docs, using: dense, limit: BigInt(q.limit), filter: { must: [keyword('tenant', q.tenant)] },
  query: { variant: { case: 'recommend', value: { positive: q.positive.map(idInput), negative: q.negative.map(idInput) } } },
})).result);

q = spec.groups;
out.groups = (await points.queryGroups({
  collectionName: docs, query: nearest(denseInput(q.vector)), using: dense, groupBy: q.group_by,
  limit: BigInt(q.limit), groupSize: BigInt(q.group_size), withPayload: noPayload,
})).result.groups.map((g) => ({ id: typeof g.id.kind.value === 'bigint' ? Number(g.id.kind.value) : g.id.kind.value, hits: scored(g.hits) }));

for (const [key, name] of Object.entries(names)) {
  const ids = [];
  let offset;
  do {
    const page = await points.scroll({ collectionName: name, limit: spec.scroll_limit, offset, withPayload: noPayload });
    ids.push(...page.result.map((p) => idOut(p.id)));
    offset = page.nextPageOffset;
  } while (offset !== undefined);
  out[`scroll_${key}`] = ids;
}

out.count_docs = await count(docs);
out.count_tenant = await count(docs, { must: [keyword('tenant', spec.count_tenant)] });

out.errors = {
  wrong_dimension: await category(() => points.upsert({
    collectionName: docs, wait: true,
    points: [{ id: pointId(spec.collections.docs[0].id), vectors: { vectorsOptions: { case: 'vectors', value: { vectors: {
      [dense]: { vector: { case: 'dense', value: { data: spec.wrong_vector } } } } } } } }],
  })),
  missing_collection: await category(() => points.count({ collectionName: `${prefix}_missing`, exact: true })),
  existing_collection: await category(() => collections.create({
    collectionName: docs,
    vectorsConfig: { config: { case: 'paramsMap', value: { map: { [dense]: { size: BigInt(spec.dim), distance: Distance.Cosine } } } } },
  })),
};
out.count_after_errors = await count(docs);

q = spec.set_payload;
await points.setPayload({
  collectionName: docs, wait: true, payload: toPayload(q.payload),
  pointsSelector: filterSelector({ must: [keyword('tenant', q.tenant), range('year', { gte: q.year_gte })] }),
});
out.set_payload_count = await count(docs, { must: [field({ key: 'reviewed', match: { matchValue: { case: 'boolean', value: true } } })] });
out.set_payload_records = (await points.get({
  collectionName: docs, ids: q.retrieve.map(pointId), withPayload: { selectorOptions: { case: 'enable', value: true } },
})).result.map((r) => ({ id: idOut(r.id), payload: fromPayload(r.payload) }));

await points.delete({
  collectionName: faq, wait: true, points: filterSelector({ must: [range('year', { lt: spec.delete_faq_year_lt })] }),
});
out.delete_count = await count(faq);

const alias = `${prefix}_${spec.alias}`;
await collections.updateAliases({ actions: [{ action: { case: 'createAlias', value: { collectionName: docs, aliasName: alias } } }] });
out.alias_before = await count(alias);
await collections.updateAliases({ actions: [
  { action: { case: 'deleteAlias', value: { aliasName: alias } } },
  { action: { case: 'createAlias', value: { collectionName: faq, aliasName: alias } } },
] });
out.alias_after = await count(alias);
const strip = (s) => s.slice(prefix.length + 1);
out.aliases = (await collections.listAliases({})).aliases
  .filter((a) => a.aliasName.startsWith(`${prefix}_`))
  .map((a) => [strip(a.aliasName), strip(a.collectionName)])
  .sort();

const created = (await snapshots.create({ collectionName: faq })).snapshotDescription;
const entry = (await snapshots.list({ collectionName: faq })).snapshotDescriptions.find((s) => s.name === created.name);
const body = Buffer.from(await (await fetch(`${restUrl}/collections/${faq}/snapshots/${created.name}`)).arrayBuffer());
out.snapshot = {
  listed: entry !== undefined,
  size_matches: entry !== undefined && Number(entry.size) === body.length,
  checksum_matches: entry !== undefined && entry.checksum === createHash('sha256').update(body).digest('hex'),
};

writeFileSync(outPath, JSON.stringify(out));
