// One collection: status and counts, optimizer state, configuration, payload indexes (create/drop).

import { collectionPath, enc, rest } from '../api.js';
import { clear, confirmButton, errorBox, fmt, h, jsonTree, stackable } from '../dom.js';
import { statusBadge, vectorConfigText } from './collections.js';
import { collectionHeader } from './tabs.js';

const SCHEMAS = ['keyword', 'integer', 'float', 'bool', 'geo', 'datetime', 'text', 'uuid'];

function card(label, value, field) {
  return h('div', { class: 'card', 'data-field': field }, h('div', { class: 'card-label' }, label), h('div', { class: 'card-value' }, value));
}

function optimizerState(info) {
  const o = info.optimizer_status;
  if (o === 'ok') return h('span', { class: 'ok-text' }, 'ok');
  if (o && typeof o === 'object' && o.error) return h('span', { class: 'error-text' }, `error: ${o.error}`);
  return String(o);
}

function kvTable(obj) {
  return h('table', { class: 'kv' }, h('tbody', null, Object.entries(obj || {}).map(([k, v]) =>
    h('tr', null, h('th', { scope: 'row' }, k), h('td', null, v !== null && typeof v === 'object' ? jsonTree(v, { open: 0 }) : fmt(v))))));
}

function indexTable(name, schema, refresh) {
  const rows = Object.entries(schema || {}).sort(([a], [b]) => a.localeCompare(b)).map(([key, s]) => {
    const drop = confirmButton('Drop', 'Confirm drop', async () => {
      try {
        await rest('DELETE', collectionPath(name, `/index/${enc(key)}?wait=true`));
        refresh();
      } catch (e) {
        drop.after(errorBox(e.message));
      }
    }, { class: 'danger small', 'data-drop': key });
    return h('tr', { 'data-index': key },
      h('th', { scope: 'row' }, h('code', null, key)),
      h('td', null, s.data_type),
      h('td', null, s.params ? JSON.stringify(s.params) : '—'),
      h('td', { class: 'num' }, fmt(s.points ?? 0)),
      h('td', null, drop));
  });
  if (!rows.length) return h('p', { class: 'muted' }, 'No payload index yet.');
  return h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'index-table' },
    h('thead', null, h('tr', null, ['Key', 'Type', 'Params', 'Points', ''].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows))));
}

function createIndexForm(name, refresh) {
  const field = h('input', { id: 'index-field', name: 'field', required: true, placeholder: 'e.g. city or meta.tags[]', autocomplete: 'off' });
  const type = h('select', { id: 'index-type', name: 'type' }, SCHEMAS.map((t) => h('option', { value: t }, t)));
  const out = h('div', { 'aria-live': 'polite' });
  const form = h('form', { class: 'inline-form', id: 'create-index' },
    h('label', null, 'Field ', field), h('label', null, 'Type ', type),
    h('button', { type: 'submit' }, 'Create index'), out);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clear(out, h('span', { class: 'muted' }, 'Creating…'));
    try {
      await rest('PUT', collectionPath(name, '/index?wait=true'), { field_name: field.value, field_schema: type.value });
      refresh();
    } catch (e) {
      clear(out, errorBox(e.message));
    }
  });
  return form;
}

export async function render(view, { name }) {
  view.append(collectionHeader(name, ''));
  const body = h('div');
  view.append(body);
  const refresh = async () => {
    let info;
    try {
      info = await rest('GET', collectionPath(name));
    } catch (e) {
      clear(body, errorBox(e.message));
      return;
    }
    const cfg = info.config || {};
    clear(body,
      h('div', { class: 'cards' },
        card('Status', statusBadge(info.status), 'status'),
        card('Optimizer', optimizerState(info), 'optimizer'),
        card('Points', fmt(info.points_count), 'points'),
        card('Indexed vectors', fmt(info.indexed_vectors_count), 'indexed'),
        card('Segments', fmt(info.segments_count), 'segments'),
        card('Vectors', h('div', null, vectorConfigText(cfg).map((t) => h('div', null, t))), 'vectors')),
      h('section', null, h('h2', null, 'Payload indexes'), indexTable(name, info.payload_schema, refresh), createIndexForm(name, refresh)),
      h('div', { class: 'columns' },
        h('section', null, h('h2', null, 'Optimizer'), kvTable(cfg.optimizer_config)),
        h('section', null, h('h2', null, 'HNSW'), kvTable(cfg.hnsw_config))),
      h('section', null, h('h2', null, 'Configuration'), h('div', { class: 'tree-box' }, jsonTree(cfg, { open: 2 }))));
  };
  await refresh();
}
