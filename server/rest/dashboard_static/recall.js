// Search quality, computed in the browser from two documented REST calls per sampled point:
//   POST /collections/{c}/points/query  {"query": v, "using": u, "filter": f, "limit": k,
//                                        "params": {"exact": false, "hnsw_ef": ef}}   (approximate)
//   POST /collections/{c}/points/query  {... same ..., "params": {"exact": true}}      (exact)
// recall@k = |ids(approximate) ∩ ids(exact)| / |ids(exact)|. The sample comes from
//   POST /collections/{c}/points/query  {"query": {"sample": "random"}, "filter": f, "limit": n,
//                                        "with_vector": [u]}
// so anyone can reproduce the figure with curl; the README spells this out.

import { call, collectionPath, errorText, ApiError } from './api.js';

export function recallAtK(approxIds, exactIds) {
  if (!exactIds.length) return null;
  const approx = new Set(approxIds.map(String));
  return exactIds.filter((id) => approx.has(String(id))).length / exactIds.length;
}

function vectorOf(point, using) {
  if (!using) return point.vector;
  return point.vector && point.vector[using];
}

async function query(name, body) {
  const r = await call('POST', collectionPath(name, '/points/query'), body);
  if (!r.ok) throw new ApiError(r.status, errorText(r.body, r.status), r.body);
  return { ids: r.body.result.points.map((p) => p.id), clientMs: r.ms, serverMs: r.body.time * 1000 };
}

export async function samplePoints(name, { n, filter, using }) {
  const body = { query: { sample: 'random' }, limit: n, with_payload: false, with_vector: using ? [using] : true };
  if (filter) body.filter = filter;
  const r = await call('POST', collectionPath(name, '/points/query'), body);
  if (!r.ok) throw new ApiError(r.status, errorText(r.body, r.status), r.body);
  return r.body.result.points;
}

// Runs one approximate and one exact query per sampled point (sequentially, so that latencies are
// not inflated by each other), calling onRow after each point.
export async function measureRecall(name, { n, k, filter, using, hnswEf }, onRow) {
  const sample = await samplePoints(name, { n, filter, using });
  const rows = [];
  for (const point of sample) {
    const vector = vectorOf(point, using);
    if (!vector) continue;
    const base = { query: vector, limit: k, with_payload: false, with_vector: false };
    if (using) base.using = using;
    if (filter) base.filter = filter;
    const approxParams = { exact: false };
    if (hnswEf) approxParams.hnsw_ef = hnswEf;
    const approx = await query(name, { ...base, params: approxParams });
    const exact = await query(name, { ...base, params: { exact: true } });
    const row = { id: point.id, recall: recallAtK(approx.ids, exact.ids), approx, exact };
    rows.push(row);
    if (onRow) onRow(row, rows.length, sample.length);
  }
  return rows;
}
