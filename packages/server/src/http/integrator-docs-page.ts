// The Integrator's documentation page: a self-contained HTML page that renders the OpenAPI document and tries calls.
import { inlinePagePolicy } from './security-headers';

const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --muted: #5b6470; --line: #d5d9df; --bg: #fff; --panel: #f5f7f9; --accent: #1f6feb; --bad: #c62828; --ok: #2e7d32; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ed; --muted: #9aa4b0; --line: #39414b; --bg: #15191e; --panel: #1d232a; --accent: #58a6ff; --bad: #ef5350; --ok: #66bb6a; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header { padding: 16px 24px; border-bottom: 1px solid var(--line); display: flex; flex-wrap: wrap; gap: 16px; align-items: end; }
header h1 { font-size: 20px; margin: 0 auto 0 0; }
main { padding: 16px 24px; max-width: 1100px; }
label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
input, textarea, button { font: inherit; color: inherit; background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 4px 8px; }
button { cursor: pointer; background: var(--accent); color: #fff; border-color: var(--accent); }
button.secondary { background: transparent; color: var(--accent); }
textarea { width: 100%; min-height: 160px; font-family: ui-monospace, monospace; font-size: 13px; }
details.op { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; background: var(--panel); }
details.op > summary { padding: 8px 12px; cursor: pointer; display: flex; gap: 12px; align-items: baseline; }
.method { font-weight: 700; color: var(--ok); font-family: ui-monospace, monospace; }
.path { font-family: ui-monospace, monospace; word-break: break-all; }
.summary { color: var(--muted); margin-left: auto; }
.body { padding: 0 12px 12px; }
table { border-collapse: collapse; margin: 6px 0 12px; }
th, td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; font-size: 13px; }
pre { background: var(--bg); border: 1px solid var(--line); border-radius: 4px; padding: 8px; overflow: auto; max-height: 420px; font-size: 13px; }
.status { font-weight: 700; } .status.bad { color: var(--bad); } .status.ok { color: var(--ok); }
#message { color: var(--muted); } #message.bad { color: var(--bad); }
.row { display: flex; gap: 8px; align-items: end; flex-wrap: wrap; margin: 8px 0; }
h2 { font-size: 17px; margin: 20px 0 4px; }
`;

const SCRIPT = `
const DOC_URL = '/integrator/v1/openapi.json';
const state = { auth: null, csrf: null, doc: null };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else if (k.startsWith('on')) e.addEventListener(k.slice(2), v); else e.setAttribute(k, v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}

function basic(user, password) {
  const bytes = new TextEncoder().encode(user + ':' + password);
  let bin = ''; for (const b of bytes) bin += String.fromCharCode(b);
  return 'Basic ' + btoa(bin);
}

function headers(extra) {
  const h = Object.assign({}, extra);
  if (state.auth) h.authorization = state.auth; else if (state.csrf) h['x-csrf-token'] = state.csrf;
  return h;
}

function say(text, bad) { const m = $('message'); m.textContent = text; m.className = bad ? 'bad' : ''; }

async function load() {
  say('Loading the OpenAPI document…');
  const res = await fetch(DOC_URL, { headers: headers(), credentials: 'same-origin' });
  if (res.status === 401 || res.status === 403) {
    const body = await res.json().catch(() => null);
    say((body && body.error ? body.error.message + '. ' : '') + 'Sign in with a user that has the Batch execution or Administration role.', true);
    $('ops').replaceChildren();
    return;
  }
  if (!res.ok) { say('The document could not be loaded: HTTP ' + res.status, true); return; }
  state.doc = await res.json();
  if (!state.auth) {
    const me = await fetch('/api/auth/me', { credentials: 'same-origin' }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
    state.csrf = me ? me.csrfToken : null;
  }
  render();
}

function resolve(schema) {
  if (schema && schema.$ref) return schema.$ref.split('/').slice(1).reduce((o, k) => o[k], state.doc);
  return schema || {};
}
function typeText(s) {
  const t = Array.isArray(s.type) ? s.type.join(' | ') : s.type || 'any';
  return s.format ? t + ' (' + s.format + ')' : t;
}
function example(s) {
  const t = Array.isArray(s.type) ? s.type.find((x) => x !== 'null') : s.type;
  if (s.default !== undefined) return s.default;
  if (t === 'string') return s.format === 'date' ? new Date().toISOString().slice(0, 10) : 'text';
  if (t === 'integer') return 1;
  if (t === 'number') return 1.5;
  if (t === 'boolean') return true;
  return null;
}
function exampleBody(schema) {
  const body = {};
  const vars = (schema.properties && schema.properties.variables) || {};
  const inputs = (schema.properties && schema.properties.inputs) || {};
  const v = {};
  for (const [name, s] of Object.entries(vars.properties || {})) v[name] = example(s);
  if (Object.keys(v).length) body.variables = v;
  const i = {};
  for (const [name, s] of Object.entries(inputs.properties || {})) {
    const row = {};
    for (const [col, cs] of Object.entries((s.items && s.items.properties) || {})) row[col] = example(cs);
    i[name] = [row];
  }
  if (Object.keys(i).length) body.inputs = i;
  return body;
}

function propsTable(title, obj, requiredList) {
  const entries = Object.entries((obj && obj.properties) || {});
  if (!entries.length) return null;
  const req = new Set(requiredList || (obj && obj.required) || []);
  return el('div', {}, el('strong', {}, title),
    el('table', {}, el('tr', {}, el('th', {}, 'name'), el('th', {}, 'type'), el('th', {}, 'default'), el('th', {}, 'required')),
      entries.map(([n, s]) => el('tr', {}, el('td', {}, n), el('td', {}, typeText(s)), el('td', {}, s.default === undefined ? '' : JSON.stringify(s.default)), el('td', {}, req.has(n) ? 'yes' : '')))));
}

function curlFor(path, body, timeout) {
  const who = state.auth ? "-u '" + ($('user').value || 'USER') + ":PASSWORD' " : "-u 'USER:PASSWORD' ";
  const t = timeout ? "-H '" + 'x-flowport-timeout: ' + timeout + "' " : '';
  return 'curl ' + who + t + "-H 'content-type: application/json' -d '" + body.replace(/'/g, "'\\\\''") + "' " + location.origin + path;
}

function operationView(path, op) {
  const schema = resolve(op.requestBody && op.requestBody.content['application/json'].schema);
  const ok = resolve(op.responses['200'].content['application/json'].schema);
  const text = el('textarea', { spellcheck: 'false', 'aria-label': 'Request body' });
  text.value = JSON.stringify(exampleBody(schema), null, 2);
  const timeout = el('input', { type: 'number', min: '0', step: 'any', placeholder: 'server limit', 'aria-label': 'Timeout in seconds' });
  const out = el('div', {});
  const send = async () => {
    out.replaceChildren(el('p', {}, 'Calling…'));
    const started = performance.now();
    try {
      const h = headers({ 'content-type': 'application/json' });
      if (timeout.value) h['x-flowport-timeout'] = timeout.value;
      const res = await fetch(path, { method: 'POST', headers: h, body: text.value, credentials: 'same-origin' });
      const ms = Math.round(performance.now() - started);
      const raw = await res.text();
      let pretty = raw; try { pretty = JSON.stringify(JSON.parse(raw), null, 2); } catch (e) { /* not JSON */ }
      out.replaceChildren(
        el('p', {}, el('span', { class: 'status ' + (res.ok ? 'ok' : 'bad') }, 'HTTP ' + res.status), ' in ' + ms + ' ms · request id ' + (res.headers.get('x-request-id') || '—')),
        el('pre', {}, pretty));
    } catch (err) { out.replaceChildren(el('p', { class: 'status bad' }, 'The call failed: ' + err.message)); }
  };
  const rows = ok.properties && ok.properties.rows && ok.properties.rows.items;
  const inputs = (schema.properties && schema.properties.inputs && schema.properties.inputs.properties) || {};
  return el('details', { class: 'op' },
    el('summary', {}, el('span', { class: 'method' }, 'POST'), el('span', { class: 'path' }, path), el('span', { class: 'summary' }, op.summary || '')),
    el('div', { class: 'body' },
      (op.description || '').split('\\n\\n').map((p) => el('p', {}, p)),
      propsTable('Variables', schema.properties && schema.properties.variables),
      Object.entries(inputs).map(([name, s]) => propsTable('Input "' + name + '" (rows)', s.items)),
      rows && rows.properties ? propsTable('Result columns', rows) : el('p', {}, 'Result: rows as objects of column name to value.'),
      el('strong', {}, 'Try it'),
      text,
      el('div', { class: 'row' }, el('label', {}, 'Timeout (s)', timeout), el('button', { onclick: send }, 'Send'),
        el('button', { class: 'secondary', onclick: () => { out.replaceChildren(el('pre', {}, curlFor(path, text.value, timeout.value))); } }, 'Show curl')),
      out));
}

function render() {
  const q = $('filter').value.trim().toLowerCase();
  const groups = new Map();
  for (const [path, item] of Object.entries(state.doc.paths || {})) {
    const op = item.post; if (!op) continue;
    if (q && !(path + ' ' + (op.summary || '')).toLowerCase().includes(q)) continue;
    const tag = (op.tags && op.tags[0]) || 'Other';
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(operationView(path, op));
  }
  const n = [...groups.values()].reduce((a, g) => a + g.length, 0);
  say(n + ' published node' + (n === 1 ? '' : 's') + ' · OpenAPI ' + state.doc.openapi + ' · ' + (state.auth ? 'HTTP Basic as ' + $('user').value : 'your browser login'));
  $('ops').replaceChildren(...[...groups].map(([tag, ops]) => el('section', {}, el('h2', {}, tag), ops)));
}

$('signin').addEventListener('submit', (e) => {
  e.preventDefault();
  state.auth = $('user').value ? basic($('user').value, $('password').value) : null;
  load();
});
$('filter').addEventListener('input', () => state.doc && render());
load();
`;

export const INTEGRATOR_DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flowport Integrator — API documentation</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1>Flowport Integrator</h1>
  <form id="signin" class="row" autocomplete="on">
    <label>User <input id="user" name="username" autocomplete="username"></label>
    <label>Password <input id="password" name="password" type="password" autocomplete="current-password"></label>
    <button type="submit">Use these credentials</button>
  </form>
  <label>Search <input id="filter" type="search" placeholder="package or node"></label>
  <a href="/integrator/v1/openapi.json">openapi.json</a>
</header>
<main>
  <p id="message" role="status"></p>
  <div id="ops"></div>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

/** Its Content-Security-Policy: its own inline script and style by their hashes, nothing else inline. */
export const INTEGRATOR_DOCS_CSP = inlinePagePolicy(SCRIPT, STYLE);
