// The dashboard's only way to the server: Qdrant's public REST API with the same `api-key` header
// as any client. The key comes from a prompt (shown when the server answers 401/403) and lives in
// sessionStorage, so it is forgotten when the tab closes.

const KEY_NAME = 'quiver.apiKey';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function apiKey() {
  return sessionStorage.getItem(KEY_NAME);
}

export function setApiKey(key) {
  if (key) sessionStorage.setItem(KEY_NAME, key);
  else sessionStorage.removeItem(KEY_NAME);
}

let pendingPrompt = null;

// One prompt at a time: concurrent requests that meet a 401 all wait for the same answer.
export function promptKey(reason) {
  if (pendingPrompt) return pendingPrompt;
  const dialog = document.getElementById('key-dialog');
  const input = document.getElementById('key-input');
  document.getElementById('key-reason').textContent = reason ||
    'Enter an API key (or a JWT). It is kept in this tab\'s session storage only.';
  input.value = apiKey() || '';
  pendingPrompt = new Promise((resolve) => {
    const cancel = document.getElementById('key-cancel');
    const onCancel = () => dialog.close('cancel');
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('close', () => {
      cancel.removeEventListener('click', onCancel);
      pendingPrompt = null;
      if (dialog.returnValue === 'save' && input.value) {
        setApiKey(input.value);
        resolve(input.value);
      } else {
        resolve(null);
      }
    }, { once: true });
    dialog.returnValue = '';
    dialog.showModal();
    input.focus();
  });
  return pendingPrompt;
}

function headers(extra) {
  const h = { ...extra };
  const key = apiKey();
  if (key) h['api-key'] = key;
  return h;
}

function parse(text) {
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

export function errorText(body, status) {
  if (body && typeof body === 'object' && body.status && typeof body.status === 'object' && body.status.error) {
    return body.status.error;
  }
  if (typeof body === 'string' && body) return body;
  return `HTTP ${status}`;
}

function authReason(status) {
  return status === 401
    ? 'The server answered 401: it needs an API key (or a JWT).'
    : 'The server answered 403: this key may not do that. Enter another key.';
}

// Any REST call; answers {status, ok, ms, body}. `body` may be an object (sent as JSON), a string
// (sent as is, for the console) or undefined.
export async function call(method, path, body) {
  for (;;) {
    const init = { method, headers: headers() };
    if (body !== undefined && body !== null) {
      init.headers['content-type'] = 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    const started = performance.now();
    const resp = await fetch(path, init);
    const text = await resp.text();
    const ms = performance.now() - started;
    if (resp.status === 401 || resp.status === 403) {
      const key = await promptKey(authReason(resp.status));
      if (key !== null) continue;
    }
    return { status: resp.status, ok: resp.ok, ms, body: parse(text) };
  }
}

// A call whose failure is an exception carrying Qdrant's error text; answers `result`.
export async function rest(method, path, body) {
  const r = await call(method, path, body);
  if (!r.ok) throw new ApiError(r.status, errorText(r.body, r.status), r.body);
  return r.body && typeof r.body === 'object' ? r.body.result : r.body;
}

export const enc = encodeURIComponent;

export function collectionPath(name, rest_ = '') {
  return `/collections/${enc(name)}${rest_}`;
}

// Download a file through fetch (so the api-key header is sent), reporting bytes as they arrive.
export async function download(path, filename, onProgress) {
  for (;;) {
    const resp = await fetch(path, { headers: headers() });
    if (resp.status === 401 || resp.status === 403) {
      if (await promptKey(authReason(resp.status)) !== null) continue;
    }
    if (!resp.ok) throw new ApiError(resp.status, errorText(parse(await resp.text()), resp.status));
    const total = Number(resp.headers.get('content-length')) || 0;
    const reader = resp.body.getReader();
    const chunks = [];
    let done = 0;
    for (;;) {
      const { value, done: finished } = await reader.read();
      if (finished) break;
      chunks.push(value);
      done += value.length;
      if (onProgress) onProgress(done, total);
    }
    const blob = new Blob(chunks, { type: 'application/octet-stream' });
    if (filename) {
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    }
    return blob;
  }
}

// Multipart upload with upload progress (fetch cannot report it, XMLHttpRequest can).
export function upload(path, field, blob, filename, onProgress) {
  return new Promise((resolve, reject) => {
    const send = () => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', path);
      for (const [k, v] of Object.entries(headers())) xhr.setRequestHeader(k, v);
      xhr.upload.addEventListener('progress', (e) => onProgress && onProgress(e.loaded, e.total));
      xhr.addEventListener('load', async () => {
        const body = parse(xhr.responseText);
        if (xhr.status === 401 || xhr.status === 403) {
          if (await promptKey(authReason(xhr.status)) !== null) { send(); return; }
        }
        if (xhr.status >= 200 && xhr.status < 300) resolve(body && body.result);
        else reject(new ApiError(xhr.status, errorText(body, xhr.status), body));
      });
      xhr.addEventListener('error', () => reject(new ApiError(0, 'network error during upload')));
      const form = new FormData();
      form.append(field, blob, filename);
      xhr.send(form);
    };
    send();
  });
}
