'use strict';
// The Slipway dashboard: a small same-origin app on /api/v1, signed in with a session cookie.
// Everything it shows comes from the REST API; every button is enforced there too.
const state = { me: null, csrf: null, feed: null, stream: null, refresh: null, view: 0 };
const ACTIVE = ['REQUESTED', 'QUEUED', 'AWAITING_APPROVAL', 'HELD', 'PREFLIGHT', 'BACKUP', 'DEPLOY',
  'VERIFY', 'BAKE', 'SNAPSHOT', 'RESTORE', 'REVERT', 'VERIFY_ROLLBACK'];

function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === false || v == null) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v); else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c != null) el.append(c instanceof Node ? c : String(c));
  return el;
}
const short = (s, prefix) => (s || '').replace(prefix, '');
const status = d => short(d.status, 'DEPLOYMENT_STATUS_');
const phaseName = p => short(p, 'PHASE_');
function chipClass(s) {
  if (s === 'SUCCEEDED') return 'ok';
  if (['FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'CANCELLED'].includes(s)) return 'bad';
  if (s === 'AWAITING_APPROVAL' || s === 'FROZEN' || s === 'HELD') return 'wait';
  return ACTIVE.includes(s) ? 'run' : 'muted';
}
const chip = (s, label) => h('span', { class: 'chip ' + chipClass(s) }, (label || s).replace(/_/g, ' ').toLowerCase());
function when(ts) {
  if (!ts) return h('span', { class: 'muted' }, '—');
  const t = new Date(ts);
  const secs = Math.round((Date.now() - t) / 1000);
  const rel = Math.abs(secs) < 60 ? secs + ' s' : Math.abs(secs) < 3600 ? Math.round(secs / 60) + ' min'
    : Math.abs(secs) < 86400 ? Math.round(secs / 3600) + ' h' : Math.round(secs / 86400) + ' d';
  const abs = t.toLocaleString(undefined, { year: 'numeric', month: 'short', day: 'numeric',
    hour: '2-digit', minute: '2-digit', second: '2-digit', timeZoneName: 'short' });
  return h('time', { datetime: ts, title: abs }, (secs >= 0 ? rel + ' ago' : 'in ' + rel.replace('-', '')) + ' (' + abs + ')');
}
function duration(a, b) {
  if (!a) return '';
  const ms = (b ? new Date(b) : new Date()) - new Date(a);
  return ms < 1000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s' + (b ? '' : ' so far');
}
const say = text => { document.getElementById('status').textContent = text; };

async function api(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) headers['X-CSRF-Token'] = state.csrf;
  const response = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  const json = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const problem = new Error(json.detail || response.statusText);
    problem.status = response.status;
    throw problem;
  }
  return json;
}
const q = params => {
  const s = new URLSearchParams(Object.entries(params).filter(([, v]) => v));
  return s.toString() ? '?' + s : '';
};
const enc = encodeURIComponent;

// Each route() starts a new view; a render whose data arrives after the user moved on is dropped.
const stale = view => view !== state.view;
function show(...nodes) {
  document.getElementById('main').replaceChildren(...nodes);
}
function failure(e) {
  if (e.status === 401) return signIn();
  console.error(e);
  show(h('h1', {}, 'Something went wrong'), h('p', { class: 'error', role: 'alert' }, e.message || String(e)));
}

function signIn(message) {
  closeStreams();
  state.view++;
  document.getElementById('sign-out').hidden = true;
  document.getElementById('who').textContent = '';
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', required: true });
  const error = h('p', { class: 'error', role: 'alert', hidden: !message }, message || '');
  show(h('h1', {}, 'Sign in'),
    h('p', {}, 'Paste a Slipway token (slw_…). The dashboard acts with its scopes, in this browser only.'),
    h('form', { class: 'inline', onsubmit: async ev => {
      ev.preventDefault();
      try {
        const me = await api('POST', '/session', { token: input.value.trim() });
        input.value = '';
        signedIn(me);
        route();
      } catch (e) { error.hidden = false; error.textContent = e.message; input.focus(); }
    } }, h('label', { for: 'token' }, 'Token', input), h('button', { class: 'primary', type: 'submit' }, 'Sign in')),
    error);
  input.focus();
}
function signedIn(me) {
  state.me = me;
  state.csrf = me.csrfToken;
  document.getElementById('who').textContent = 'Signed in as ' + me.name;
  document.getElementById('sign-out').hidden = false;
}

function closeStreams() {
  clearTimeout(state.refresh);
  for (const k of ['feed', 'stream']) if (state[k]) { state[k].close(); state[k] = null; }
}
// One stream per kind, kept open across re-renders: EventSource resumes after the last event id.
function live(url, onEvent, key) {
  if (state[key]) return;
  const source = new EventSource(url);
  const done = () => { source.close(); if (state[key] === source) state[key] = null; };
  source.addEventListener('deployment-event', e => onEvent(JSON.parse(e.data)));
  source.addEventListener('end', () => { done(); onEvent(null); });
  source.addEventListener('problem', e => { done(); const p = JSON.parse(e.data); if (p.status === 401) signIn(p.detail); });
  state[key] = source;
}
function later(fn) {
  clearTimeout(state.refresh);
  state.refresh = setTimeout(fn, 250);
}

async function overview() {
  const view = state.view;
  const [targets, recent, freezes] = await Promise.all([
    pages('/targets', 'targets', 20), api('GET', '/deployments?pageSize=200'), api('GET', '/freeze-windows')]);
  const latest = new Map();
  for (const d of recent.deployments || []) {
    const key = d.target.app + '/' + d.target.environment;
    if (!latest.has(key)) latest.set(key, d);
  }
  if (stale(view)) return;
  const frozen = new Map((freezes.windows || []).filter(w => w.inForceUntil).map(w => [w.environment, w]));
  const apps = [...new Set(targets.map(t => t.spec.app))].sort();
  const envs = [...new Set(targets.map(t => t.spec.environment))].sort();
  const byKey = new Map(targets.map(t => [t.spec.app + '/' + t.spec.environment, t]));
  const pinned = [...latest.values()].filter(d => ACTIVE.includes(status(d)) || ['FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'].includes(status(d)));
  pinned.sort((a, b) => (ACTIVE.includes(status(b)) - ACTIVE.includes(status(a))) || (b.createdAt > a.createdAt ? 1 : -1));
  const cell = (app, env) => {
    const t = byKey.get(app + '/' + env);
    if (!t) return h('td', { 'data-env': env, class: 'muted' }, '—');
    const d = latest.get(app + '/' + env);
    const s = frozen.has(env) && (!d || !ACTIVE.includes(status(d))) ? 'FROZEN' : d ? status(d) : t.currentVersion ? 'SUCCEEDED' : '';
    return h('td', { 'data-env': env, 'data-target': app + '/' + env },
      h('a', { href: '#/targets/' + enc(app) + '/' + enc(env) }, t.currentVersion || 'nothing deployed'), ' ',
      s ? chip(s) : '', d && d.version !== t.currentVersion ? h('div', {}, h('a', { href: '#/deployments/' + d.id }, d.version + ' ' + status(d).toLowerCase().replace(/_/g, ' '))) : '',
      t.currentSince ? h('div', { class: 'muted' }, 'since ', when(t.currentSince), t.currentDeployedBy ? ' by ' + t.currentDeployedBy : '') : '');
  };
  show(h('h1', {}, 'Overview'),
    [...frozen.values()].map(w => h('p', { class: 'banner', role: 'note' }, 'Environment ' + w.environment + ' is frozen until ',
      when(w.inForceUntil), ': ' + w.reason)),
    h('h2', {}, 'Needs attention'),
    pinned.length ? h('ul', { class: 'pinned', id: 'pinned' }, pinned.map(d => h('li', {},
      h('a', { href: '#/deployments/' + d.id }, d.target.app + ' → ' + d.target.environment + ' ' + d.version), ' ', chip(status(d)),
      h('div', { class: 'muted' }, 'by ' + d.requestedBy + ', ', when(d.createdAt)),
      d.reason ? h('div', {}, d.reason) : '')))
      : h('p', { class: 'muted', id: 'pinned' }, 'Nothing running, waiting or failed.'),
    h('h2', {}, 'Environments × applications'),
    h('div', { class: 'scroll' }, h('table', { class: 'matrix' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Application'), envs.map(e => h('th', { scope: 'col' }, e)))),
      h('tbody', {}, apps.map(a => h('tr', {}, h('th', { scope: 'row' }, a), envs.map(e => cell(a, e))))))));
  live('/api/v1/events', () => later(() => overview().catch(failure)), 'feed');
}
async function pages(path, field, max) {
  const all = [];
  let token = '';
  for (let i = 0; i < max; i++) {
    const page = await api('GET', path + q({ pageSize: 100, pageToken: token }));
    all.push(...(page[field] || []));
    token = page.nextPageToken;
    if (!token) break;
  }
  return all;
}

async function deployment(id) {
  const view = state.view;
  const [d, rounds, deliveries] = await Promise.all([
    api('GET', '/deployments/' + enc(id) + '?logTail=30'),
    api('GET', '/deployments/' + enc(id) + '/check-rounds?pageSize=200').catch(() => ({ rounds: [] })),
    api('GET', '/deliveries' + q({ deploymentId: id })).catch(() => ({ deliveries: [] }))]);
  const s = status(d);
  const app = d.target.app, env = d.target.environment;
  const sets = await api('GET', '/backup-sets' + q({ app, environment: env })).catch(() => ({ sets: [] }));
  if (stale(view)) return;
  const mine = state.me && state.me.name === d.requestedBy;
  const expired = d.phaseDeadline && new Date(d.phaseDeadline) < new Date();
  const approveWhy = s !== 'AWAITING_APPROVAL' ? 'not waiting for approval' : mine ? 'you requested it; another identity must approve'
    : expired ? 'the approval expired' : '';
  const message = h('p', { role: 'alert', class: 'error', hidden: true });
  const act = (label, cls, why, run) => h('span', {}, h('button', { type: 'button', class: cls, disabled: !!why,
    'aria-describedby': why ? 'why-' + label : null, onclick: async () => {
      try { await run(); message.hidden = true; say(label + ' done'); await deployment(id); }
      catch (e) { message.hidden = false; message.textContent = label + ' refused: ' + e.message; }
    } }, label), why ? h('span', { class: 'why', id: 'why-' + label }, ' ' + why) : '');
  const comment = h('input', { id: 'comment', type: 'text' });
  const confirm = h('input', { id: 'confirm', type: 'text', autocomplete: 'off' });
  const finished = !!d.finishedAt;
  const losses = (d.phases || []).flatMap(p => (p.evidence || []).filter(e => e.name === 'loss estimate'));
  show(h('h1', {}, app + ' → ' + env + ' ' + d.version + ' '), chip(s),
    h('p', {}, short(d.kind, 'DEPLOYMENT_KIND_').toLowerCase() + ' from ' + (d.previousVersion || 'nothing') + ', requested by ' + d.requestedBy + ' ', when(d.createdAt),
      finished ? h('span', {}, ', finished ', when(d.finishedAt)) : ''),
    d.reason ? h('p', { class: s === 'SUCCEEDED' ? '' : 'error', id: 'reason' }, d.reason) : '',
    d.forceReason ? h('p', { class: 'banner' }, 'Forced: ' + d.forceReason) : '',
    losses.length ? h('section', { id: 'loss', 'aria-labelledby': 'loss-title' }, h('h2', { id: 'loss-title' }, 'What the restore discards'),
      h('ul', {}, losses.map(e => h('li', {}, e.detail)))) : '',
    h('h2', {}, 'Approvals ' + (d.approvals || []).length + ' of ' + (d.approvalsRequired || 0)),
    (d.approvals || []).length ? h('ul', {}, d.approvals.map(a => h('li', {}, a.by + ' ', when(a.at), a.comment ? ': ' + a.comment : ''))) : '',
    h('div', { class: 'actions' }, h('label', { for: 'comment' }, 'Comment', comment),
      act('Approve', 'primary', approveWhy, () => api('POST', '/deployments/' + enc(id) + '/approve', { comment: comment.value })),
      act('Reject', 'danger', approveWhy, () => api('POST', '/deployments/' + enc(id) + '/reject', { reason: comment.value || 'rejected in the dashboard' })),
      act('Cancel', '', finished ? 'already finished' : '', () => api('POST', '/deployments/' + enc(id) + '/cancel', { reason: comment.value })),
      act('Promote', '', s === 'BAKE' ? '' : 'only while baking', () => api('POST', '/deployments/' + enc(id) + '/promote', {}))),
    h('div', { class: 'actions' }, h('label', { for: 'confirm' }, 'Type ' + app + ' to roll ' + env + ' back', confirm),
      act('Rollback', 'danger', '', () => {
        if (confirm.value !== app) return Promise.reject(new Error('type the application name "' + app + '" to confirm'));
        return api('POST', '/targets/' + enc(app) + '/' + enc(env) + '/rollback', {});
      })),
    message,
    h('h2', {}, 'Timeline'),
    h('div', { class: 'scroll' }, h('table', { class: 'timeline' },
      h('thead', {}, h('tr', {}, ['Phase', 'Attempt', 'Outcome', 'Started', 'Duration', 'Summary'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (d.phases || []).map(p => h('tr', { 'data-phase': phaseName(p.phase) },
        h('td', {}, phaseName(p.phase).toLowerCase()), h('td', {}, p.attempt),
        h('td', {}, p.outcome ? chip(short(p.outcome, 'PHASE_OUTCOME_')) : chip('RUNNING')),
        h('td', {}, when(p.startedAt)), h('td', {}, duration(p.startedAt, p.finishedAt)),
        h('td', {}, p.summary,
          (p.evidence || []).length ? h('ul', {}, p.evidence.map(e => h('li', {}, (e.passed ? '✓ ' : '✗ ') + e.name + ': ' + e.detail))) : '',
          (p.log || []).length ? h('details', {}, h('summary', {}, 'Log, last ' + p.log.length + ' of ' + p.logLines + ' lines'),
            h('pre', {}, p.log.join('\n')),
            h('a', { href: '/api/v1/deployments/' + enc(id) + '/phases/' + p.phase + '/attempts/' + p.attempt + '/log.txt', download: '' }, 'Download the full log')) : '')))))),
    h('h2', {}, 'Health checks'),
    (rounds.rounds || []).length ? h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Phase', 'Round', 'Check', 'Outcome', 'Saw', 'Latency'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, rounds.rounds.map(r => h('tr', {}, h('td', {}, phaseName(r.phase).toLowerCase() + ' #' + r.attempt), h('td', {}, r.round),
        h('td', {}, r.check), h('td', {}, chip(short(r.outcome, 'CHECK_OUTCOME_'))), h('td', {}, r.observed), h('td', {}, r.latencyMs + ' ms'))))))
      : h('p', { class: 'muted' }, 'No health checks ran.'),
    h('h2', {}, 'Backup sets of this deployment'),
    backupTable((sets.sets || []).filter(b => b.deploymentId === id)),
    h('h2', {}, 'Notifications'),
    (deliveries.deliveries || []).length ? h('ul', {}, deliveries.deliveries.map(v => h('li', {},
      v.eventType + ' to ' + v.channel + ': ', chip(short(v.status, 'DELIVERY_STATUS_')), ' after ' + v.attemptCount + ' attempt(s)',
      v.lastError ? ' (' + v.lastError + ')' : '')))
      : h('p', { class: 'muted' }, 'No notifications.'));
  if (!finished) live('/api/v1/deployments/' + enc(id) + '/events?after=' + d.lastSequence, () => later(() => deployment(id).catch(failure)), 'stream');
}
function backupTable(sets) {
  if (!sets.length) return h('p', { class: 'muted' }, 'No backup sets.');
  return h('div', { class: 'scroll' }, h('table', {},
    h('thead', {}, h('tr', {}, ['Set', 'Status', 'Artifacts', 'Size', 'Taken'].map(c => h('th', { scope: 'col' }, c)))),
    h('tbody', {}, sets.map(b => h('tr', {}, h('td', {}, b.id, h('div', { class: 'muted' }, b.summary)),
      h('td', {}, chip(short(b.status, 'BACKUP_SET_STATUS_'))), h('td', {}, b.artifactCount),
      h('td', {}, Number(b.sizeBytes || 0).toLocaleString() + ' bytes'), h('td', {}, when(b.createdAt)))))));
}

async function history(params, token) {
  const view = state.view;
  const page = await api('GET', '/deployments' + q({ ...params, pageSize: 50, pageToken: token }));
  if (stale(view)) return;
  const field = (name, label) => h('label', { for: 'f-' + name }, label, h('input', { id: 'f-' + name, name, value: params[name] || '' }));
  const statuses = ['', ...ACTIVE, 'SUCCEEDED', 'FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED', 'CANCELLED'];
  const form = h('form', { class: 'inline', onsubmit: ev => {
    ev.preventDefault();
    const f = Object.fromEntries(new FormData(form));
    location.hash = '#/history' + q(f);
  } }, field('app', 'Application'), field('environment', 'Environment'),
  h('label', { for: 'f-status' }, 'Status', h('select', { id: 'f-status', name: 'status' },
    statuses.map(s => h('option', { value: s, selected: params.status === s }, s ? s.toLowerCase().replace(/_/g, ' ') : 'any')))),
  field('requestedBy', 'Requested by'), field('version', 'Version'), h('button', { type: 'submit' }, 'Filter'));
  show(h('h1', {}, 'History'), form,
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Deployment', 'Status', 'Requested by', 'Created'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (page.deployments || []).map(d => h('tr', {},
        h('td', {}, h('a', { href: '#/deployments/' + d.id }, d.target.app + ' → ' + d.target.environment + ' ' + d.version)),
        h('td', {}, chip(status(d))), h('td', {}, d.requestedBy), h('td', {}, when(d.createdAt))))))),
    page.nextPageToken ? h('button', { type: 'button', onclick: () => history(params, page.nextPageToken).catch(failure) }, 'Older') : h('p', { class: 'muted' }, 'No older deployments.'));
}

async function target(app, env) {
  const view = state.view;
  const path = '/targets/' + enc(app) + '/' + enc(env);
  const [t, ledger, quarantined] = await Promise.all([api('GET', path), api('GET', path + '/ledger?pageSize=50'),
    api('GET', '/quarantined' + q({ app, environment: env }))]);
  if (stale(view)) return;
  show(h('h1', {}, app + ' in ' + env),
    h('p', {}, 'Runs ' + (t.currentVersion || 'nothing') + ' ', t.currentSince ? when(t.currentSince) : '', ', revision ' + t.revision),
    h('h2', {}, 'Quarantined versions'),
    (quarantined.versions || []).length
      ? h('ul', {}, quarantined.versions.map(v => h('li', {}, v.version + ': ' + (v.reason || ''))))
      : h('p', { class: 'muted' }, 'None.'),
    h('h2', {}, 'Ledger'),
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Version', 'Since', 'Until', 'Deployed by', 'Approved by', 'Left'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (ledger.entries || []).map(e => h('tr', {}, h('td', {}, h('a', { href: '#/deployments/' + e.deploymentId }, e.version)),
        h('td', {}, when(e.since)), h('td', {}, e.until ? when(e.until) : 'now'), h('td', {}, e.deployedBy),
        h('td', {}, (e.approvedBy || []).join(', ')), h('td', {}, e.left || '')))))),
    h('h2', {}, 'Spec (secrets by name only)'), h('pre', {}, JSON.stringify(t.spec, null, 2)));
}

async function route() {
  closeStreams();
  const view = ++state.view;
  const hash = location.hash || '#/';
  const [path, query] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'deployments' && parts[1]) await deployment(parts[1]);
    else if (parts[0] === 'history') await history(Object.fromEntries(new URLSearchParams(query || '')));
    else if (parts[0] === 'targets' && parts[2]) await target(parts[1], parts[2]);
    else await overview();
    const heading = document.querySelector('main h1');
    if (heading && !stale(view)) { heading.tabIndex = -1; heading.focus(); }
  } catch (e) { if (!stale(view)) failure(e); }
}

window.addEventListener('hashchange', route);
window.addEventListener('DOMContentLoaded', async () => {
  // The skip link must not change the hash: the hash is the route.
  document.querySelector('.skip').addEventListener('click', ev => { ev.preventDefault(); document.getElementById('main').focus(); });
  document.getElementById('sign-out').addEventListener('click', async () => {
    try { await api('DELETE', '/session'); } finally { state.me = null; state.csrf = null; signIn(); }
  });
  try { signedIn(await api('GET', '/session')); route(); } catch (e) { signIn(); }
});
