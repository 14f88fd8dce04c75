// A 2-D projection (PCA) of a random sample of the collection's vectors, coloured by a payload
// key; every dot can be clicked (or focused and Enter pressed) to show its point.

import { collectionPath, enc, rest } from '../api.js';
import { clear, denseVectors, errorBox, h, jsonTree, s, vectorsCell } from '../dom.js';
import { pca2 } from '../pca.js';
import { collectionHeader } from './tabs.js';

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const OTHER = '#7f7f7f';
const W = 800;
const H = 430;
const PAD = 16;

function label(value) {
  if (value === undefined) return '(missing)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

// A colour for each point: categories for few distinct values, a blue→red ramp for many numbers.
export function colouring(points, key) {
  const values = points.map((p) => (key ? (p.payload || {})[key] : undefined));
  const numeric = values.filter((v) => typeof v === 'number');
  const distinct = new Set(values.map(label));
  if (key && numeric.length === values.length && distinct.size > PALETTE.length) {
    const lo = Math.min(...numeric);
    const hi = Math.max(...numeric);
    const ramp = (v) => {
      const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
      return `hsl(${Math.round(220 - 220 * t)}, 70%, 48%)`;
    };
    return { colours: values.map(ramp), legend: [[`${lo}`, ramp(lo)], [`${hi}`, ramp(hi)]], kind: 'range' };
  }
  const counts = new Map();
  for (const v of values) counts.set(label(v), (counts.get(label(v)) || 0) + 1);
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, PALETTE.length - 1);
  const colourOf = new Map(top.map(([v], i) => [v, PALETTE[i]]));
  const legend = top.map(([v, c]) => [`${v} (${c})`, colourOf.get(v)]);
  if (counts.size > top.length) legend.push(['other', OTHER]);
  return { colours: values.map((v) => colourOf.get(label(v)) || OTHER), legend, kind: 'categories' };
}

function payloadKeys(points) {
  const keys = new Set();
  for (const p of points) for (const k of Object.keys(p.payload || {})) keys.add(k);
  return [...keys].sort();
}

export async function render(view, { name }) {
  view.append(collectionHeader(name, 'projection'));
  const info = await rest('GET', collectionPath(name));
  const vectors = denseVectors(info.config).filter((v) => !v.multi);
  if (!vectors.length) {
    view.append(h('p', null, 'This collection has no dense single vector to project.'));
    return;
  }
  const n = h('input', { id: 'projection-n', type: 'number', min: 2, max: 5000, value: '300' });
  const using = h('select', { id: 'projection-using' }, vectors.map((v) => h('option', { value: v.name }, v.name || '(default vector)')));
  const colourBy = h('select', { id: 'projection-colour' }, h('option', { value: '' }, '(none)'));
  const run = h('button', { type: 'submit', id: 'projection-run' }, 'Sample and project');
  const status = h('div', { id: 'projection-status', 'aria-live': 'polite' });
  const plot = h('div', { class: 'plot', id: 'projection-plot' });
  const legend = h('ul', { class: 'legend', id: 'projection-legend' });
  const detail = h('div', { class: 'point-detail', id: 'projection-detail', 'aria-live': 'polite' },
    h('p', { class: 'muted' }, 'Click a dot (or focus it and press Enter) to see its point.'));
  const form = h('form', { class: 'row', id: 'projection-form' },
    h('label', null, 'Sample ', n), h('label', null, 'Vector ', using), h('label', null, 'Colour by ', colourBy), run);
  view.append(form, status, h('div', { class: 'projection' }, h('div', null, plot, legend), detail));

  let points = [];
  let coords = [];

  function select(i, dot) {
    for (const d of plot.querySelectorAll('circle.selected')) d.classList.remove('selected');
    dot.classList.add('selected');
    const p = points[i];
    clear(detail, h('h2', null, 'Point ', h('code', { id: 'detail-id' }, String(p.id))),
      h('h3', null, 'Payload'), jsonTree(p.payload || {}, { open: 2 }),
      h('h3', null, 'Vector'), vectorsCell(p.vector),
      h('p', null, h('a', {
        href: `#/collections/${enc(name)}/points`, id: 'detail-open',
        onclick: () => sessionStorage.setItem(`quiver.filter.${name}`, JSON.stringify({ must: [{ has_id: [p.id] }] })),
      }, 'Open in the points browser')));
  }

  function draw() {
    const { colours, legend: items } = colouring(points, colourBy.value);
    const xs = coords.map((c) => c[0]);
    const ys = coords.map((c) => c[1]);
    const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
    const sx = (x) => PAD + (x1 > x0 ? ((x - x0) / (x1 - x0)) * (W - 2 * PAD) : (W - 2 * PAD) / 2);
    const sy = (y) => H - PAD - (y1 > y0 ? ((y - y0) / (y1 - y0)) * (H - 2 * PAD) : (H - 2 * PAD) / 2);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'group', 'aria-label': `PCA projection of ${points.length} points` },
      s('rect', { x: 0, y: 0, width: W, height: H, class: 'plot-bg' }));
    coords.forEach(([x, y], i) => {
      const dot = s('circle', {
        cx: sx(x).toFixed(1), cy: sy(y).toFixed(1), r: 4.5, fill: colours[i], tabindex: 0, role: 'button',
        'data-id': String(points[i].id), 'aria-label': `point ${points[i].id}`,
      }, s('title', null, `point ${points[i].id}`));
      dot.addEventListener('click', () => select(i, dot));
      dot.addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(i, dot); }
      });
      svg.append(dot);
    });
    clear(plot, svg);
    clear(legend, items.map(([text, colour]) => h('li', null, s('svg', { width: 12, height: 12, 'aria-hidden': 'true' },
      s('circle', { cx: 6, cy: 6, r: 5, fill: colour })), ' ', text)));
  }

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    run.disabled = true;
    clear(status, h('span', { class: 'muted' }, 'Sampling…'));
    try {
      const vectorName = using.value;
      const answer = await rest('POST', collectionPath(name, '/points/query'), {
        query: { sample: 'random' }, limit: Number(n.value), with_payload: true, with_vector: vectorName ? [vectorName] : true,
      });
      points = answer.points.filter((p) => (vectorName ? p.vector && p.vector[vectorName] : p.vector));
      if (points.length < 2) {
        clear(status, h('p', null, 'Need at least two points with this vector.'));
        return;
      }
      const rows = points.map((p) => (vectorName ? p.vector[vectorName] : p.vector));
      const started = performance.now();
      const result = pca2(rows);
      coords = result.coords;
      const keys = payloadKeys(points);
      const previous = colourBy.value;
      clear(colourBy, h('option', { value: '' }, '(none)'), keys.map((k) => h('option', { value: k }, k)));
      colourBy.value = keys.includes(previous) ? previous : (keys[0] || '');
      clear(status, h('p', { class: 'muted', id: 'projection-summary' },
        `${points.length} points, ${rows[0].length} dims; PC1 ${(result.explained[0] * 100).toFixed(1)}%, PC2 ${(result.explained[1] * 100).toFixed(1)}% of variance; PCA ${(performance.now() - started).toFixed(0)} ms`));
      draw();
    } catch (e) {
      clear(status, errorBox(e.message));
    } finally {
      run.disabled = false;
    }
  });
  colourBy.addEventListener('change', () => { if (points.length) draw(); });
  form.requestSubmit(); // a first picture at once; the form redraws with other settings
}
