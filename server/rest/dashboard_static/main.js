// Hash router: each page module renders into a fresh container, so a slow page that finishes after
// the user moved on writes into a detached element and disturbs nothing.

import { call, promptKey } from './api.js';
import { clear, errorBox, h } from './dom.js';
import * as collections from './pages/collections.js';
import * as overview from './pages/overview.js';
import * as points from './pages/points.js';
import * as consolePage from './pages/console.js';
import * as quality from './pages/quality.js';
import * as snapshots from './pages/snapshots.js';
import * as projection from './pages/projection.js';

const TABS = { '': overview, points, quality, snapshots, projection };

function route() {
  const parts = (location.hash.replace(/^#\/?/, '') || 'collections').split('/').map(decodeURIComponent);
  if (parts[0] === 'console') return { page: consolePage, nav: 'console', params: {} };
  if (parts[0] === 'collections' && parts[1]) {
    const page = TABS[parts[2] || ''];
    if (page) return { page, nav: 'collections', params: { name: parts[1] } };
  }
  if (parts[0] === 'collections' && !parts[1]) return { page: collections, nav: 'collections', params: {} };
  return null;
}

async function show() {
  const main = document.getElementById('main');
  const target = route();
  for (const a of document.querySelectorAll('[data-nav]')) {
    a.toggleAttribute('aria-current', !!target && a.dataset.nav === target.nav);
  }
  const view = h('div', { class: 'view' });
  clear(main, view);
  if (!target) {
    view.append(h('h1', null, 'Not found'), h('p', null, 'No such page. ', h('a', { href: '#/collections' }, 'Collections')));
    return;
  }
  try {
    await target.page.render(view, target.params);
  } catch (err) {
    view.append(errorBox(err.message || String(err)));
  }
  const heading = view.querySelector('h1');
  if (heading && document.activeElement === document.body) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: true });
  }
}

async function banner() {
  const r = await call('GET', '/');
  const el = document.getElementById('server-version');
  if (r.ok && r.body && r.body.version) el.textContent = `v${r.body.version}`;
}

document.getElementById('key-button').addEventListener('click', async () => {
  if (await promptKey() !== null) show();
});
window.addEventListener('hashchange', show);
window.addEventListener('dashboard:refresh', show);
banner().catch(() => {});
show();

