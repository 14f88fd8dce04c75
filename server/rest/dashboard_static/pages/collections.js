// Collections: one row per collection with status, counts, vector configs, payload schema, aliases.

import { collectionPath, enc, rest } from '../api.js';
import { denseVectors, errorBox, fmt, h, sparseVectors, stackable } from '../dom.js';

export function statusBadge(status) {
  const s = String(status || 'unknown');
  return h('span', { class: `status status-${s}`, title: `status: ${s}` }, h('span', { class: 'dot', 'aria-hidden': 'true' }), s);
}

export function vectorConfigText(config) {
  const dense = denseVectors(config).map((v) =>
    `${v.name ? `${v.name}: ` : ''}${v.size} × ${v.distance}${v.multi ? ' (multi)' : ''}`);
  const sparse = sparseVectors(config).map((n) => `${n}: sparse`);
  return [...dense, ...sparse];
}

export function schemaItems(schema) {
  return Object.entries(schema || {}).map(([key, s]) =>
    h('li', null, h('code', null, key), ' ', h('span', { class: 'tag' }, s.data_type),
      ' ', h('span', { class: 'muted' }, `${fmt(s.points ?? 0)} pts`)));
}

export async function render(view) {
  view.append(h('div', { class: 'page-head' }, h('h1', null, 'Collections'),
    h('button', { type: 'button', class: 'quiet', onclick: () => window.dispatchEvent(new Event('dashboard:refresh')) }, 'Refresh')));
  const [list, aliases] = await Promise.all([rest('GET', '/collections'), rest('GET', '/aliases')]);
  const names = list.collections.map((c) => c.name).sort();
  if (!names.length) {
    view.append(h('p', null, 'No collections yet. Create one from the ', h('a', { href: '#/console' }, 'console'), '.'));
    return;
  }
  const byCollection = {};
  for (const a of aliases.aliases) (byCollection[a.collection_name] ||= []).push(a.alias_name);
  const infos = await Promise.all(names.map((n) => rest('GET', collectionPath(n)).catch((e) => e)));
  const rows = names.map((name, i) => {
    const info = infos[i];
    if (info instanceof Error) return h('tr', null, h('td', null, name), h('td', { colspan: 7 }, errorBox(info.message)));
    return h('tr', { 'data-collection': name },
      h('th', { scope: 'row' }, h('a', { href: `#/collections/${enc(name)}` }, name)),
      h('td', null, statusBadge(info.status)),
      h('td', { class: 'num', 'data-field': 'points' }, fmt(info.points_count)),
      h('td', { class: 'num', 'data-field': 'segments' }, fmt(info.segments_count)),
      h('td', { class: 'num', 'data-field': 'indexed' }, fmt(info.indexed_vectors_count)),
      h('td', { 'data-field': 'vectors' }, vectorConfigText(info.config).map((t) => h('div', null, t))),
      h('td', { 'data-field': 'schema' }, h('ul', { class: 'plain' }, schemaItems(info.payload_schema))),
      h('td', { 'data-field': 'aliases' }, (byCollection[name] || []).sort().map((a) => h('div', null, a))));
  });
  view.append(h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'collections-table' },
    h('thead', null, h('tr', null, ['Name', 'Status', 'Points', 'Segments', 'Indexed vectors', 'Vectors', 'Payload schema', 'Aliases']
      .map((t, i) => h('th', { scope: 'col', class: i >= 2 && i <= 4 ? 'num' : null }, t)))),
    h('tbody', null, rows)))));
}
