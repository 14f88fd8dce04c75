// Small DOM helpers: element construction, a JSON tree, abbreviated vectors, number formats.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  setAttrs(el, attrs);
  append(el, children);
  return el;
}

function setAttrs(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export function fmt(n) {
  if (n === null || n === undefined) return '—';
  return typeof n === 'number' ? n.toLocaleString('en-US') : String(n);
}

export function ms(x) {
  return `${x < 10 ? x.toFixed(2) : x.toFixed(1)} ms`;
}

export function bytes(n) {
  if (!n && n !== 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

function isNumberArray(v) {
  return Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'number');
}

// A vector as a person wants to see it: its kind, size and first few components.
export function vectorSummary(v) {
  if (isNumberArray(v)) {
    const head = v.slice(0, 4).map((x) => x.toFixed(3)).join(', ');
    return `[${head}${v.length > 4 ? ', …' : ''}] ${v.length} dims`;
  }
  if (Array.isArray(v) && v.length && v.every(isNumberArray)) return `multivector ${v.length} × ${v[0].length}`;
  if (v && typeof v === 'object' && Array.isArray(v.indices)) return `sparse, ${v.indices.length} non-zero`;
  return JSON.stringify(v);
}

export function vectorsCell(vector) {
  if (vector === null || vector === undefined) return h('span', { class: 'muted' }, '—');
  if (Array.isArray(vector) || (vector && Array.isArray(vector.indices))) {
    return h('code', { class: 'vector' }, vectorSummary(vector));
  }
  return h('div', { class: 'vectors' }, Object.entries(vector).map(([name, v]) =>
    h('div', null, h('span', { class: 'vname' }, name), ' ', h('code', { class: 'vector' }, vectorSummary(v)))));
}

function scalar(v) {
  if (v === null) return h('span', { class: 'j-null' }, 'null');
  switch (typeof v) {
    case 'string': return h('span', { class: 'j-str' }, JSON.stringify(v));
    case 'number': return h('span', { class: 'j-num' }, String(v));
    case 'boolean': return h('span', { class: 'j-bool' }, String(v));
    default: return h('span', null, String(v));
  }
}

// A collapsible tree of a JSON value; numeric arrays longer than 8 are abbreviated like vectors.
export function jsonTree(value, { open = 1, depth = 0 } = {}) {
  if (value === null || typeof value !== 'object') return scalar(value);
  if (isNumberArray(value) && value.length > 8) return h('code', { class: 'vector' }, vectorSummary(value));
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
  const brackets = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  if (!entries.length) return h('span', { class: 'j-empty' }, brackets.join(''));
  const noun = Array.isArray(value) ? 'item' : 'key';
  const label = `${brackets[0]} ${entries.length} ${noun}${entries.length === 1 ? '' : 's'} ${brackets[1]}`;
  return h('details', { class: 'tree', open: depth < open },
    h('summary', null, label),
    h('ul', null, entries.map(([k, v]) => h('li', null,
      h('span', { class: 'j-key' }, Array.isArray(value) ? `${k}` : k), ': ',
      jsonTree(v, { open, depth: depth + 1 })))));
}

export function errorBox(message) {
  return h('p', { class: 'error', role: 'alert' }, message);
}

export function debounce(fn, wait) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

// Dense vectors of a collection's config: [{name ('' for the unnamed one), size, distance}].
export function denseVectors(config) {
  const vectors = (config && config.params && config.params.vectors) || {};
  if (typeof vectors.size === 'number') return [{ name: '', size: vectors.size, distance: vectors.distance, multi: !!vectors.multivector_config }];
  return Object.entries(vectors).map(([name, v]) => ({ name, size: v.size, distance: v.distance, multi: !!v.multivector_config }));
}

export function sparseVectors(config) {
  return Object.keys((config && config.params && config.params.sparse_vectors) || {});
}

export function percentile(values, p) {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export function mean(values) {
  return values.length ? values.reduce((a, b) => a + b, 0) / values.length : NaN;
}

// Marks a table so that narrow screens show each row as a card of "header: value" lines: every
// cell gets its column's header as data-label (drawn by CSS), the header row is hidden there.
export function stackable(table) {
  const labels = [...table.querySelectorAll('thead th')].map((th) => th.textContent);
  for (const row of table.querySelectorAll('tbody tr')) {
    [...row.children].forEach((cell, i) => { if (labels[i]) cell.dataset.label = labels[i]; });
  }
  table.classList.add('stackable');
  return table;
}

// A button for an action that destroys or replaces data: the first click arms it (its label asks
// for confirmation for a few seconds), the second runs the action. No modal dialog, so it works
// the same from the keyboard.
export function confirmButton(label, confirmLabel, action, attrs = {}) {
  const button = h('button', { type: 'button', ...attrs }, label);
  let armed = null;
  button.addEventListener('click', async () => {
    if (!armed) {
      button.textContent = confirmLabel;
      armed = setTimeout(() => { armed = null; button.textContent = label; }, 5000);
      return;
    }
    clearTimeout(armed);
    armed = null;
    button.textContent = label;
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export function plural(n, word) {
  return `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;
}
