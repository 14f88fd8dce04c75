// Snapshots of one collection: create (with elapsed time), list, download (with progress),
// delete, and recover, from a file on this computer or from one of the listed snapshots (which
// is downloaded and uploaded again through POST /snapshots/upload).

import { collectionPath, download, enc, rest, upload } from '../api.js';
import { bytes, clear, confirmButton, errorBox, h, stackable } from '../dom.js';
import { collectionHeader } from './tabs.js';

function progressLine(id) {
  const bar = h('progress', { id: `${id}-progress`, max: 1, value: 0 });
  const text = h('span', { id: `${id}-text`, class: 'muted' });
  const line = h('div', { class: 'row progress-line', id, 'aria-live': 'polite', hidden: true }, bar, text);
  return {
    line,
    show(done, total, label) {
      line.hidden = false;
      if (total) { bar.max = total; bar.value = done; } else { bar.removeAttribute('value'); }
      text.textContent = label;
    },
    hide() { line.hidden = true; },
  };
}

export async function render(view, { name }) {
  view.append(collectionHeader(name, 'snapshots'));
  const create = h('button', { type: 'button', id: 'snapshot-create' }, 'Create snapshot');
  const createProgress = progressLine('create');
  const message = h('div', { id: 'snapshot-message', 'aria-live': 'polite' });
  const list = h('div', { id: 'snapshot-list' });
  const file = h('input', { type: 'file', id: 'snapshot-file', accept: '.snapshot,application/x-tar,application/octet-stream' });
  const target = h('input', { id: 'recover-target', value: name, required: true, autocomplete: 'off' });
  const priority = h('select', { id: 'recover-priority' }, ['snapshot', 'replica', 'no_sync'].map((p) => h('option', { value: p }, p)));
  const uploadProgress = progressLine('upload');
  const uploadForm = h('form', { class: 'stack', id: 'upload-form' },
    h('h2', null, 'Recover from a snapshot file'),
    h('div', { class: 'row' }, h('label', null, 'File ', file), h('label', null, 'Into collection ', target),
      h('label', null, 'Priority ', priority), h('button', { type: 'submit', id: 'snapshot-upload' }, 'Upload and recover')),
    uploadProgress.line);

  async function recoverFrom(blob, filename) {
    const into = target.value.trim() || name;
    const path = collectionPath(into, `/snapshots/upload?wait=true&priority=${enc(priority.value)}`);
    uploadProgress.show(0, blob.size, 'Uploading…');
    await upload(path, 'snapshot', blob, filename, (done, total) => {
      uploadProgress.show(done, total, done < total ? `Uploading ${bytes(done)} of ${bytes(total)}` : 'Recovering…');
    });
    uploadProgress.hide();
    clear(message, h('p', { class: 'ok-text', id: 'recover-done' }, `Recovered ${into} from ${filename}.`));
  }

  async function refresh() {
    let snaps;
    try {
      snaps = await rest('GET', collectionPath(name, '/snapshots'));
    } catch (e) {
      clear(list, errorBox(e.message));
      return;
    }
    snaps.sort((a, b) => String(b.creation_time).localeCompare(String(a.creation_time)));
    if (!snaps.length) {
      clear(list, h('p', { class: 'muted' }, 'No snapshot yet.'));
      return;
    }
    clear(list, h('div', { class: 'table-wrap' }, stackable(h('table', { id: 'snapshot-table' },
      h('thead', null, h('tr', null, ['Name', 'Created', 'Size', 'Checksum', ''].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, snaps.map((snap) => {
        const path = collectionPath(name, `/snapshots/${enc(snap.name)}`);
        const dl = h('button', { type: 'button', class: 'small', 'data-action': 'download' }, 'Download');
        const restore = confirmButton('Recover', 'Confirm recover', async () => {
          try {
            const blob = await download(path, null, (done, total) => rowProgress.show(done, total, `Fetching ${bytes(done)} of ${bytes(total)}`));
            rowProgress.hide();
            await recoverFrom(blob, snap.name);
          } catch (e) { uploadProgress.hide(); clear(message, errorBox(e.message)); }
        }, { class: 'small quiet', 'data-action': 'recover', title: 'Recover the collection named in the form below from this snapshot' });
        const del = confirmButton('Delete', 'Confirm delete', async () => {
          try {
            await rest('DELETE', `${path}?wait=true`);
            clear(message, h('p', { class: 'muted' }, `Deleted ${snap.name}.`));
            await refresh();
          } catch (e) { clear(message, errorBox(e.message)); }
        }, { class: 'small danger', 'data-action': 'delete' });
        const rowProgress = progressLine(`dl-${snap.name.replace(/[^A-Za-z0-9_-]/g, '_')}`);
        dl.addEventListener('click', async () => {
          try {
            await download(path, snap.name, (done, total) => rowProgress.show(done, total, `${bytes(done)} of ${bytes(total)}`));
            rowProgress.hide();
          } catch (e) { clear(message, errorBox(e.message)); }
        });
        return h('tr', { 'data-snapshot': snap.name },
          h('th', { scope: 'row' }, h('code', null, snap.name), rowProgress.line),
          h('td', null, snap.creation_time ? snap.creation_time.replace('T', ' ') : '—'),
          h('td', { class: 'num' }, bytes(snap.size)),
          h('td', null, h('code', { title: snap.checksum || '' }, snap.checksum ? `${snap.checksum.slice(0, 12)}…` : '—')),
          h('td', { class: 'actions' }, dl, restore, del));
      }))))));
  }

  create.addEventListener('click', async () => {
    create.disabled = true;
    const started = performance.now();
    const tick = () => createProgress.show(0, 0, `Creating snapshot… ${((performance.now() - started) / 1000).toFixed(1)} s`);
    tick();
    const timer = setInterval(tick, 200);
    try {
      const snap = await rest('POST', collectionPath(name, '/snapshots?wait=true'));
      clear(message, h('p', { class: 'ok-text', id: 'snapshot-created' },
        `Created ${snap.name} (${bytes(snap.size)}) in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
      await refresh();
    } catch (e) {
      clear(message, errorBox(e.message));
    } finally {
      clearInterval(timer);
      createProgress.hide();
      create.disabled = false;
    }
  });

  uploadForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const chosen = file.files && file.files[0];
    if (!chosen) { clear(message, errorBox('Choose a snapshot file first.')); return; }
    try {
      await recoverFrom(chosen, chosen.name);
      await refresh();
    } catch (e) {
      uploadProgress.hide();
      clear(message, errorBox(e.message));
    }
  });

  view.append(h('div', { class: 'row' }, create, createProgress.line), message, list, uploadForm);
  await refresh();
}
