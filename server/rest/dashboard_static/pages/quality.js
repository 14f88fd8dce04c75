// Search quality: recall@k of approximate against exact search with the same filter, per query,
// with the latency of both (see recall.js for the REST calls behind the figure).

import { collectionPath, rest } from '../api.js';
import { clear, denseVectors, errorBox, h, mean, ms, percentile, stackable } from '../dom.js';
import { filterEditor } from '../filter_editor.js';
import { measureRecall } from '../recall.js';
import { collectionHeader } from './tabs.js';

function numberInput(id, value, min, max) {
  return h('input', { id, type: 'number', min, max, value: String(value), required: true });
}

export async function render(view, { name }) {
  view.append(collectionHeader(name, 'quality'));
  const info = await rest('GET', collectionPath(name));
  const vectors = denseVectors(info.config);
  if (!vectors.length) {
    view.append(h('p', null, 'This collection has no dense vector to measure.'));
    return;
  }
  const n = numberInput('quality-n', 20, 1, 1000);
  const k = numberInput('quality-k', 10, 1, 100);
  const ef = h('input', { id: 'quality-ef', type: 'number', min: 1, placeholder: 'default' });
  const using = h('select', { id: 'quality-using' }, vectors.map((v) => h('option', { value: v.name }, v.name || '(default vector)')));
  const editor = filterEditor(name, { id: 'quality-filter', rows: 3 });
  const run = h('button', { type: 'submit', id: 'quality-run' }, 'Measure recall');
  const progress = h('progress', { id: 'quality-progress', max: 1, value: 0, hidden: true });
  const summary = h('div', { id: 'quality-summary', 'aria-live': 'polite' });
  const tbody = h('tbody');
  const grid = h('table', { id: 'quality-table' },
    h('thead', null, h('tr', null, [['#', 1], ['Point', 0], ['recall@k', 1], ['approximate', 1], ['exact', 1]].map(([t, num]) => h('th', { scope: 'col', class: num ? 'num' : null }, t)))),
    tbody);
  const table = h('div', { class: 'table-wrap', hidden: true }, grid);
  const form = h('form', { class: 'stack', id: 'quality-form' },
    h('div', { class: 'row' }, h('label', null, 'Sample N ', n), h('label', null, 'k ', k),
      h('label', null, 'Vector ', using), h('label', null, 'hnsw_ef ', ef)),
    h('label', { for: 'quality-filter' }, 'Filter (same for both searches)'), editor.element,
    h('div', { class: 'row' }, run, progress));
  view.append(form, summary, table,
    h('p', { class: 'muted' }, 'Each sampled point\'s vector is searched twice with POST /points/query: params.exact=false (the index) and params.exact=true (brute force). recall@k = shared ids / exact ids. Times are round trips from this browser (server time in brackets).'));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    await editor.validate();
    if (!editor.state.valid) return;
    run.disabled = true;
    progress.hidden = false;
    progress.value = 0;
    clear(tbody);
    table.hidden = false;
    clear(summary, h('span', { class: 'muted' }, 'Sampling…'));
    try {
      const rows = await measureRecall(name, {
        n: Number(n.value), k: Number(k.value), filter: editor.state.filter,
        using: using.value || undefined, hnswEf: ef.value ? Number(ef.value) : undefined,
      }, (row, done, total) => {
        progress.max = total;
        progress.value = done;
        tbody.append(h('tr', { 'data-id': String(row.id) },
          h('td', { class: 'num' }, String(done)),
          h('td', null, h('code', null, String(row.id))),
          h('td', { class: 'num', 'data-field': 'recall' }, row.recall === null ? '—' : row.recall.toFixed(3)),
          h('td', { class: 'num' }, `${ms(row.approx.clientMs)} (${ms(row.approx.serverMs)})`),
          h('td', { class: 'num' }, `${ms(row.exact.clientMs)} (${ms(row.exact.serverMs)})`)));
        stackable(grid);
      });
      const recalls = rows.map((r) => r.recall).filter((r) => r !== null);
      const a = rows.map((r) => r.approx.clientMs);
      const e = rows.map((r) => r.exact.clientMs);
      clear(summary, !rows.length ? h('p', null, 'No point matches the filter.') : h('div', { class: 'cards' },
        h('div', { class: 'card', 'data-field': 'mean-recall' }, h('div', { class: 'card-label' }, `mean recall@${k.value}`), h('div', { class: 'card-value', id: 'mean-recall' }, mean(recalls).toFixed(3))),
        h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'queries'), h('div', { class: 'card-value', id: 'query-count' }, String(rows.length))),
        h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'approximate p50 / p95'), h('div', { class: 'card-value' }, `${ms(percentile(a, 50))} / ${ms(percentile(a, 95))}`)),
        h('div', { class: 'card' }, h('div', { class: 'card-label' }, 'exact p50 / p95'), h('div', { class: 'card-value' }, `${ms(percentile(e, 50))} / ${ms(percentile(e, 95))}`))));
    } catch (err) {
      clear(summary, errorBox(err.message));
    } finally {
      run.disabled = false;
      progress.hidden = true;
    }
  });
}
