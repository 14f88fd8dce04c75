// Principal component analysis of a few thousand vectors by power iteration with deflation:
// each step is one pass over the rows (N·D), never a D×D covariance matrix, so 1536-dim vectors
// are as cheap as 8-dim ones.

function dot(a, b) {
  let s = 0;
  for (let i = 0; i < a.length; i += 1) s += a[i] * b[i];
  return s;
}

function normalise(v) {
  const n = Math.sqrt(dot(v, v)) || 1;
  for (let i = 0; i < v.length; i += 1) v[i] /= n;
  return v;
}

// rows: arrays of equal length. Answers {coords: [[x, y]...], explained: [r1, r2]}.
export function pca2(rows, { iterations = 200, seed = 7 } = {}) {
  const n = rows.length;
  const d = n ? rows[0].length : 0;
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j += 1) mean[j] += r[j] / n;
  const x = rows.map((r) => Float64Array.from(r, (v, j) => v - mean[j]));
  const total = x.reduce((acc, r) => acc + dot(r, r), 0);
  let state = seed;
  const random = () => { state = (state * 1103515245 + 12345) % 2147483648; return state / 2147483648 - 0.5; };
  const components = [];
  const variances = [];
  for (let c = 0; c < Math.min(2, d); c += 1) {
    let v = normalise(Float64Array.from({ length: d }, random));
    let lambda = 0;
    for (let it = 0; it < iterations; it += 1) {
      const next = new Float64Array(d);
      for (const r of x) {
        const p = dot(r, v);
        for (let j = 0; j < d; j += 1) next[j] += p * r[j];
      }
      for (const prev of components) { // deflation: stay orthogonal to components found already
        const p = dot(next, prev);
        for (let j = 0; j < d; j += 1) next[j] -= p * prev[j];
      }
      const norm = Math.sqrt(dot(next, next));
      if (!norm) break;
      for (let j = 0; j < d; j += 1) next[j] /= norm;
      const delta = Math.abs(Math.abs(dot(next, v)) - 1);
      v = next;
      lambda = norm;
      if (delta < 1e-10) break;
    }
    components.push(v);
    variances.push(lambda);
  }
  while (components.length < 2) { components.push(new Float64Array(d)); variances.push(0); }
  return {
    coords: x.map((r) => [dot(r, components[0]), dot(r, components[1])]),
    explained: variances.map((l) => (total ? l / total : 0)),
  };
}
