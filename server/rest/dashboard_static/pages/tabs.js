// The heading and tab bar shared by every page of one collection.

import { enc } from '../api.js';
import { h } from '../dom.js';

const TABS = [
  ['', 'Overview'],
  ['points', 'Points'],
  ['quality', 'Search quality'],
  ['snapshots', 'Snapshots'],
  ['projection', 'Projection'],
];

export function collectionHeader(name, active) {
  return h('div', { class: 'collection-head' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/collections' }, 'Collections'), ' / '),
    h('h1', null, name),
    h('nav', { class: 'tabs', 'aria-label': 'Collection' }, TABS.map(([slug, label]) =>
      h('a', { href: `#/collections/${enc(name)}${slug ? `/${slug}` : ''}`, 'aria-current': slug === active ? 'page' : null }, label))));
}
