// Points browser: scroll with a validated filter, payload as a tree, vectors abbreviated, paging.

import { collectionPath, rest } from '../api.js';
import { clear, errorBox, h, jsonTree, plural, stackable, vectorsCell } from '../dom.js';
import { filterEditor } from '../filter_editor.js';
import { collectionHeader } from './tabs.js';

export async function render(view, { name }) {
  view.append(collectionHeader(name, 'points'));
  const initial = sessionStorage.getItem(`quiver.filter.${name}`) || '';
  const editor = filterEditor(name, { id: 'points-filter', initial });
  const limit = h('select', { id: 'page-size' }, [10, 20, 50, 100].map((n) => h('option', { value: n }, n)));
  const withVectors = h('input', { type: 'checkbox', id: 'with-vectors', checked: true });
  const run = h('button', { type: 'submit', id: 'run-scroll' }, 'Scroll');
  const prev = h('button', { type: 'button', id: 'prev-page', disabled: true }, '← Previous');
  const next = h('button', { type: 'button', id: 'next-page', disabled: true }, 'Next →');
  const pageInfo = h('span', { id: 'page-info', class: 'muted', 'aria-live': 'polite' });
  const results = h('div', { id: 'points-results' });
  const form = h('form', { class: 'stack', id: 'scroll-form' },
    h('label', { for: 'points-filter' }, 'Filter ', h('span', { class: 'muted' }, '(JSON, checked as you type; Ctrl+Enter scrolls)')),
    editor.element,
    h('div', { class: 'row' }, h('label', null, 'Page size ', limit), h('label', null, withVectors, ' with vectors'), run));
  view.append(form, h('div', { class: 'row pager' }, prev, pageInfo, next), results);

  // offsets[i] is the offset that starts page i; the next page's offset comes from the answer.
  let offsets = [null];
  let page = 0;
  let filter = null;

  async function load() {
    clear(results, h('p', { class: 'muted' }, 'Loading…'));
    const body = { limit: Number(limit.value), with_payload: true, with_vector: withVectors.checked };
    if (filter) body.filter = filter;
    if (offsets[page] !== null) body.offset = offsets[page];
    let answer;
    try {
      answer = await rest('POST', collectionPath(name, '/points/scroll'), body);
    } catch (e) {
      clear(results, errorBox(e.message));
      return;
    }
    offsets[page + 1] = answer.next_page_offset ?? undefined;
    prev.disabled = page === 0;
    next.disabled = answer.next_page_offset === null || answer.next_page_offset === undefined;
    pageInfo.textContent = `Page ${page + 1} · ${plural(answer.points.length, 'point')}`;
    if (!answer.points.length) {
      clear(results, h('p', { class: 'muted' }, 'No points match.'));
      return;
    }
    clear(results, h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'points-table' },
      h('thead', null, h('tr', null, ['Id', 'Payload', 'Vectors'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, answer.points.map((p) => h('tr', { 'data-id': String(p.id) },
        h('th', { scope: 'row' }, h('code', null, String(p.id))),
        h('td', null, jsonTree(p.payload || {}, { open: 1 })),
        h('td', null, vectorsCell(p.vector)))))))));
  }

  async function start() {
    await editor.validate();
    if (!editor.state.valid) return;
    filter = editor.state.filter;
    sessionStorage.setItem(`quiver.filter.${name}`, editor.area.value);
    offsets = [null];
    page = 0;
    await load();
  }

  form.addEventListener('submit', (ev) => { ev.preventDefault(); start(); });
  editor.area.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); start(); }
  });
  prev.addEventListener('click', () => { if (page > 0) { page -= 1; load(); } });
  next.addEventListener('click', () => { if (offsets[page + 1] !== undefined) { page += 1; load(); } });
  await editor.ready;
  if (editor.state.valid) await start();
}
