// Console: any REST call as "METHOD /path" on the first line and a JSON body below it, with
// examples, a history kept in localStorage, the JSON answer and its timing.

import { call } from '../api.js';
import { clear, errorBox, h, ms } from '../dom.js';

const HISTORY_KEY = 'quiver.console.history';
const HISTORY_MAX = 30;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

const EXAMPLES = [
  ['List collections', 'GET /collections'],
  ['Collection info', 'GET /collections/{c}'],
  ['Create a collection', 'PUT /collections/{c}\n{\n  "vectors": {"size": 4, "distance": "Cosine"}\n}'],
  ['Upsert points', 'PUT /collections/{c}/points?wait=true\n{\n  "points": [\n    {"id": 1, "vector": [0.1, 0.2, 0.3, 0.4], "payload": {"city": "Berlin"}}\n  ]\n}'],
  ['Scroll with a filter', 'POST /collections/{c}/points/scroll\n{\n  "limit": 5,\n  "filter": {"must": [{"key": "city", "match": {"value": "Berlin"}}]},\n  "with_payload": true\n}'],
  ['Count', 'POST /collections/{c}/points/count\n{\n  "exact": true\n}'],
  ['Random sample', 'POST /collections/{c}/points/query\n{\n  "query": {"sample": "random"},\n  "limit": 3,\n  "with_payload": true\n}'],
  ['Search by point id', 'POST /collections/{c}/points/query\n{\n  "query": 1,\n  "limit": 5\n}'],
  ['Facet a keyword', 'POST /collections/{c}/facet\n{\n  "key": "city",\n  "limit": 10\n}'],
  ['List snapshots', 'GET /collections/{c}/snapshots'],
  ['Aliases', 'GET /aliases'],
  ['Server version', 'GET /'],
];

// "METHOD /path\n{json}" → {method, path, body} or {error}.
export function parseRequest(text) {
  const trimmed = text.replace(/^\s+/, '');
  const nl = trimmed.indexOf('\n');
  const first = (nl < 0 ? trimmed : trimmed.slice(0, nl)).trim();
  const rest = nl < 0 ? '' : trimmed.slice(nl + 1).trim();
  const m = /^([A-Za-z]+)\s+(\S+)$/.exec(first);
  if (!m) return { error: 'The first line must be "METHOD /path", e.g. GET /collections' };
  const method = m[1].toUpperCase();
  if (!METHODS.includes(method)) return { error: `Unknown method ${m[1]}: use one of ${METHODS.join(', ')}` };
  const path = m[2].startsWith('/') ? m[2] : `/${m[2]}`;
  if (rest) {
    try { JSON.parse(rest); } catch (e) { return { error: `The body is not JSON: ${e.message}` }; }
  }
  return { method, path, body: rest || undefined };
}

function loadHistory() {
  try { return JSON.parse(localStorage.getItem(HISTORY_KEY)) || []; } catch { return []; }
}

function remember(text) {
  const list = loadHistory().filter((t) => t !== text);
  list.unshift(text);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list.slice(0, HISTORY_MAX)));
}

async function collectionNames() {
  const r = await call('GET', '/collections');
  const list = (r.ok && r.body && r.body.result && r.body.result.collections) || [];
  return list.map((c) => c.name).sort();
}

export async function render(view) {
  const names = await collectionNames();
  const target = h('select', { id: 'console-collection', 'aria-label': 'Collection for the examples' },
    (names.length ? names : ['my_collection']).map((n) => h('option', { value: n }, n)));
  const editor = h('textarea', { id: 'console-editor', class: 'code', rows: 12, spellcheck: 'false', 'aria-describedby': 'console-hint', value: 'GET /collections' });
  const examples = h('select', { id: 'console-examples', 'aria-label': 'Examples' },
    h('option', { value: '' }, 'Examples…'),
    EXAMPLES.map(([label, text], i) => h('option', { value: String(i) }, label)));
  const send = h('button', { type: 'submit', id: 'console-send' }, 'Send');
  const meta = h('div', { id: 'console-meta', class: 'row', 'aria-live': 'polite' });
  const output = h('pre', { id: 'console-output', class: 'code output', tabindex: '0' });
  const history = h('ol', { id: 'console-history', class: 'history' });

  function drawHistory() {
    const items = loadHistory();
    if (!items.length) { clear(history, h('li', { class: 'muted' }, 'Requests you send appear here.')); return; }
    clear(history, items.map((t) => h('li', null, h('button', {
      type: 'button', class: 'link', title: t,
      onclick: () => { editor.value = t; editor.focus(); },
    }, t.split('\n')[0]))));
  }

  examples.addEventListener('change', () => {
    if (examples.value === '') return;
    editor.value = EXAMPLES[Number(examples.value)][1].replaceAll('{c}', encodeURIComponent(target.value));
    examples.value = '';
    editor.focus();
  });

  async function run() {
    const req = parseRequest(editor.value);
    if (req.error) {
      clear(meta, errorBox(req.error));
      return;
    }
    send.disabled = true;
    clear(meta, h('span', { class: 'muted' }, `${req.method} ${req.path} …`));
    try {
      const r = await call(req.method, req.path, req.body);
      remember(editor.value.trim());
      drawHistory();
      const serverTime = r.body && typeof r.body === 'object' && typeof r.body.time === 'number' ? r.body.time * 1000 : null;
      clear(meta,
        h('span', { class: `http-status ${r.ok ? 'ok-text' : 'error-text'}`, id: 'console-status' }, `HTTP ${r.status}`),
        h('span', { id: 'console-time' }, `round trip ${ms(r.ms)}`),
        serverTime !== null ? h('span', null, `server ${ms(serverTime)}`) : null);
      output.textContent = typeof r.body === 'string' ? r.body : JSON.stringify(r.body, null, 2);
    } catch (e) {
      clear(meta, errorBox(e.message));
    } finally {
      send.disabled = false;
    }
  }

  const form = h('form', { id: 'console-form', class: 'stack' },
    h('div', { class: 'row' }, h('label', { for: 'console-editor' }, 'Request'), examples, h('label', null, 'for ', target)),
    editor,
    h('p', { id: 'console-hint', class: 'muted' }, 'First line: METHOD /path (e.g. POST /collections/NAME/points/scroll); then an optional JSON body. Ctrl+Enter sends.'),
    h('div', { class: 'row' }, send));
  form.addEventListener('submit', (ev) => { ev.preventDefault(); run(); });
  editor.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
  });
  drawHistory();
  view.append(h('h1', null, 'Console'),
    h('div', { class: 'console' },
      h('div', { class: 'console-main' }, form, meta, output),
      h('aside', { class: 'console-side' }, h('h2', null, 'History'), history)));
}
