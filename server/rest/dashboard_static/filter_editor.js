// A filter editor that validates as you type: first as JSON here, then by asking the server to
// count the matching points, so the message shown is Qdrant's own error text for a bad filter.

import { call, collectionPath, errorText } from './api.js';
import { debounce, h, plural } from './dom.js';

export function filterEditor(name, { id = 'filter', initial = '', onValid, rows = 5 } = {}) {
  const area = h('textarea', {
    id, rows, spellcheck: 'false', class: 'code', 'aria-describedby': `${id}-status`,
    placeholder: '{"must": [{"key": "city", "match": {"value": "Berlin"}}]}', value: initial,
  });
  const status = h('div', { id: `${id}-status`, class: 'filter-status', 'aria-live': 'polite' });
  let seq = 0;
  const state = { filter: null, valid: true };

  function show(kind, text) {
    status.className = `filter-status ${kind}`;
    status.textContent = text;
  }

  async function validate() {
    const mine = ++seq;
    const text = area.value.trim();
    let filter = null;
    if (text) {
      try {
        filter = JSON.parse(text);
      } catch (e) {
        state.valid = false;
        show('invalid', `Not JSON: ${e.message}`);
        return;
      }
    }
    show('checking', 'Checking…');
    const r = await call('POST', collectionPath(name, '/points/count'), { filter, exact: true });
    if (mine !== seq) return; // a newer keystroke is being checked
    if (r.ok) {
      state.valid = true;
      state.filter = filter;
      show('valid', `${filter ? 'Valid filter' : 'No filter'}: ${plural(r.body.result.count, 'point')} match${r.body.result.count === 1 ? 'es' : ''}`);
      if (onValid) onValid(filter, r.body.result.count);
    } else {
      state.valid = false;
      show('invalid', `${r.status}: ${errorText(r.body, r.status)}`);
    }
  }

  area.addEventListener('input', debounce(validate, 250));
  const ready = validate();
  return { area, status, state, ready, validate, element: h('div', { class: 'filter-editor' }, area, status) };
}
