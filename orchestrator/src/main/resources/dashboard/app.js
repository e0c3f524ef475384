'use strict';
// The Slipway dashboard: a small same-origin app on /api/v1, signed in with a session cookie.
// Everything it shows comes from the REST API; every button is enforced there too.
const state = { me: null, csrf: null, feed: null, stream: null, refresh: null, timer: null, view: 0, told: '' };
const ACTIVE = ['REQUESTED', 'QUEUED', 'AWAITING_APPROVAL', 'HELD', 'PREFLIGHT', 'BACKUP', 'DEPLOY',
  'VERIFY', 'SWITCH', 'VERIFY_LIVE', 'BAKE', 'SNAPSHOT', 'RESTORE', 'REVERT', 'VERIFY_ROLLBACK'];
const FAILED = ['FAILED', 'ROLLED_BACK', 'ROLLBACK_FAILED'];
const ROUNDS_SHOWN = 100;

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
const words = s => s.replace(/_/g, ' ').toLowerCase();
function chipClass(s) {
  if (s === 'SUCCEEDED') return 'ok';
  if ([...FAILED, 'CANCELLED'].includes(s)) return 'bad';
  if (s === 'AWAITING_APPROVAL' || s === 'FROZEN' || s === 'HELD') return 'wait';
  return ACTIVE.includes(s) ? 'run' : 'muted';
}
const chip = s => h('span', { class: 'chip ' + chipClass(s) }, words(s));
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
// A visible line for what just happened, in a live region that stays in the page to be announced.
const notice = text => { document.getElementById('status').textContent = text; };
function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return 'dashboard-' + [...bytes].map(b => b.toString(16).padStart(2, '0')).join('');
}

async function api(method, path, body, headers = {}) {
  const all = { Accept: 'application/json', ...headers };
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (method !== 'GET' && state.csrf) all['X-CSRF-Token'] = state.csrf;
  const response = await fetch('/api/v1' + path, { method, headers: all, credentials: 'same-origin',
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
// A read whose failure is shown in its section rather than taken for "nothing there".
const attempt = promise => promise.then(value => ({ value }), error => ({ error }));
const unavailable = (what, r) => h('p', { class: 'error' }, 'Could not load ' + what + ': ' + r.error.message);
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
  clearTimeout(state.timer);
  for (const k of ['feed', 'stream']) if (state[k]) { state[k].close(); state[k] = null; }
}
// One stream per kind, kept open across re-renders: EventSource resumes after the last event id.
// A stream that stops says so on the page instead of leaving it silently out of date.
function live(url, onEvent, key) {
  if (state[key]) return;
  const source = new EventSource(url);
  const done = () => { source.close(); if (state[key] === source) state[key] = null; };
  const stopped = async why => {
    done();
    try { await api('GET', '/session'); notice('Live updates stopped: ' + why + '. Reload the page to resume.'); }
    catch (e) { if (e.status === 401) signIn('Your session ended; sign in again.'); }
  };
  source.addEventListener('deployment-event', e => onEvent(JSON.parse(e.data)));
  source.addEventListener('end', () => { done(); onEvent(null); });
  source.addEventListener('problem', e => stopped(JSON.parse(e.data).detail));
  source.addEventListener('error', () => { if (source.readyState === EventSource.CLOSED) stopped('the server refused the stream'); });
  state[key] = source;
}
function later(fn) {
  clearTimeout(state.refresh);
  state.refresh = setTimeout(fn, 250);
}

async function overview() {
  const view = state.view;
  live('/api/v1/events', () => later(() => overview().catch(failure)), 'feed');
  const [targets, freezes] = await Promise.all([pages('/targets', 'targets', 20), api('GET', '/freeze-windows')]);
  if (stale(view)) return;
  const frozen = new Map();
  for (const w of (freezes.windows || []).filter(w => w.inForceUntil)) {
    frozen.set(w.environment, [...(frozen.get(w.environment) || []), w]);
  }
  // Redraw when the first window in force ends, so the banner and chips do not outlive it.
  const ends = [...frozen.values()].flat().map(w => new Date(w.inForceUntil) - Date.now());
  clearTimeout(state.timer);
  if (ends.length) state.timer = setTimeout(() => overview().catch(failure), Math.min(Math.max(Math.min(...ends), 0) + 500, 86400000));
  const apps = [...new Set(targets.items.map(t => t.spec.app))].sort();
  const envs = [...new Set(targets.items.map(t => t.spec.environment))].sort();
  const byKey = new Map(targets.items.map(t => [t.spec.app + '/' + t.spec.environment, t]));
  const pinned = targets.items.filter(t => t.lastDeployment && [...ACTIVE, ...FAILED].includes(status(t.lastDeployment)))
    .map(t => ({ d: t.lastDeployment, t }));
  pinned.sort((a, b) => (ACTIVE.includes(status(b.d)) - ACTIVE.includes(status(a.d))) || (b.d.createdAt > a.d.createdAt ? 1 : -1));
  const cell = (app, env) => {
    const t = byKey.get(app + '/' + env);
    if (!t) return h('td', { 'data-env': env, class: 'muted' }, '—');
    const d = t.lastDeployment;
    const s = frozen.has(env) && (!d || !ACTIVE.includes(status(d))) ? 'FROZEN' : d ? status(d) : '';
    return h('td', { 'data-env': env, 'data-target': app + '/' + env },
      h('a', { href: '#/targets/' + enc(app) + '/' + enc(env) }, t.currentVersion || 'nothing deployed'), ' ',
      s ? chip(s) : '', d && d.version !== t.currentVersion ? h('div', {}, h('a', { href: '#/deployments/' + d.id }, d.version + ' ' + words(status(d)))) : '',
      t.currentSince ? h('div', { class: 'muted' }, 'since ', when(t.currentSince), t.currentDeployedBy ? ' by ' + t.currentDeployedBy : '') : '');
  };
  show(h('h1', {}, 'Overview'),
    [...frozen.entries()].map(([env, windows]) => h('div', { class: 'banner', role: 'note' }, 'Environment ' + env + ' is frozen: ',
      h('ul', {}, windows.map(w => h('li', {}, w.name + ' until ', when(w.inForceUntil), ': ' + w.reason))))),
    h('h2', {}, 'Needs attention'),
    pinned.length ? h('ul', { class: 'pinned', id: 'pinned' }, pinned.map(({ d, t }) => h('li', {},
      h('a', { href: '#/deployments/' + d.id }, t.spec.app + ' → ' + t.spec.environment + ' ' + d.version), ' ', chip(status(d)),
      h('div', { class: 'muted' }, 'by ' + d.requestedBy + ', ', when(d.createdAt)),
      d.reason ? h('div', {}, d.reason) : '')))
      : h('p', { class: 'muted', id: 'pinned' }, 'Nothing running, waiting or failed.'),
    h('h2', {}, 'Environments × applications'),
    targets.more ? h('p', { class: 'banner' }, 'Showing the first ' + targets.items.length + ' targets.') : '',
    h('div', { class: 'scroll' }, h('table', { class: 'matrix' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Application'), envs.map(e => h('th', { scope: 'col' }, e)))),
      h('tbody', {}, apps.map(a => h('tr', {}, h('th', { scope: 'row' }, a), envs.map(e => cell(a, e))))))));
}
// Up to max pages of a list, and whether more were left.
async function pages(path, field, max, size = 100) {
  const items = [];
  let token = '';
  for (let i = 0; i < max; i++) {
    const page = await api('GET', path + (path.includes('?') ? '&' : '?') + q({ pageSize: size, pageToken: token }).slice(1));
    items.push(...(page[field] || []));
    token = page.nextPageToken;
    if (!token) return { items, more: false };
  }
  return { items, more: true };
}

// The sets taken for a deployment: the target's sets are newest first, so read until older ones.
async function setsOf(d) {
  const app = d.target.app, env = d.target.environment;
  const mine = [];
  let token = '';
  for (let i = 0; i < 10; i++) {
    const page = await api('GET', '/backup-sets' + q({ app, environment: env, pageSize: 50, pageToken: token }));
    const sets = page.sets || [];
    mine.push(...sets.filter(s => s.deploymentId === d.id));
    token = page.nextPageToken;
    if (!token || !sets.length || sets[sets.length - 1].createdAt < d.createdAt) break;
  }
  return Promise.all(mine.slice(0, 4).map(s => api('GET', '/backup-sets/' + enc(s.id))));
}
async function load(id) {
  const d = await api('GET', '/deployments/' + enc(id) + '?logTail=30');
  const [rounds, deliveries, sets] = await Promise.all([
    attempt(pages('/deployments/' + enc(id) + '/check-rounds', 'rounds', 4, 500)),
    attempt(api('GET', '/deliveries' + q({ deploymentId: id, pageSize: 100 }))),
    attempt(setsOf(d))]);
  return { d, rounds, deliveries, sets };
}

async function deployment(id) {
  const view = state.view;
  const comment = h('input', { id: 'comment', type: 'text' });
  const confirm = h('input', { id: 'confirm', type: 'text', autocomplete: 'off' });
  const message = h('p', { role: 'alert', class: 'error', hidden: true });
  const heading = h('h1', {});
  const chipSlot = h('span', { class: 'chip' });
  const summary = h('div', {});
  const approvals = h('div', {});
  const body = h('div', {});
  const buttons = {};
  let latest = 0;
  let shown = null;
  const refresh = async () => {
    const n = ++latest;
    const data = await load(id);
    if (stale(view) || n !== latest) return;
    render(data);
    if (!data.d.finishedAt) live('/api/v1/deployments/' + enc(id) + '/events?after=' + data.d.lastSequence, () => later(() => refresh().catch(failure)), 'stream');
  };
  const act = (label, cls, run) => {
    const why = h('span', { class: 'why', id: 'why-' + label });
    const button = h('button', { type: 'button', class: cls, 'aria-describedby': 'why-' + label, onclick: async () => {
      if (button.getAttribute('aria-disabled') === 'true') {
        message.hidden = false;
        message.textContent = label + ' is not possible now: ' + why.textContent.trim();
        return;
      }
      try {
        const result = await run();
        message.hidden = true;
        if (result.id && result.id !== id) {
          state.told = label + ' started as deployment ' + result.id;
          location.hash = '#/deployments/' + result.id;
        } else { notice(label + ' done'); await refresh(); }
      } catch (e) { message.hidden = false; message.textContent = label + ' refused: ' + e.message; }
    } }, label);
    buttons[label] = { button, why };
    return h('span', {}, button, why);
  };
  const allow = (label, reason) => {
    buttons[label].button.setAttribute('aria-disabled', reason ? 'true' : 'false');
    buttons[label].why.textContent = reason ? ' ' + reason : '';
  };
  const path = '/deployments/' + enc(id);
  let rollbackKey = randomKey();
  show(heading, chipSlot, summary, approvals,
    h('div', { class: 'actions' },
      h('label', { for: 'comment' }, 'Comment (approve) or reason (reject, cancel)', comment),
      act('Approve', 'primary', () => api('POST', path + '/approve', { comment: comment.value })),
      act('Reject', 'danger', () => api('POST', path + '/reject', { reason: comment.value })),
      act('Cancel', '', () => api('POST', path + '/cancel', { reason: comment.value })),
      act('Promote', '', () => api('POST', path + '/promote', {}))),
    h('div', { class: 'actions' }, h('label', { for: 'confirm' }, h('span', { id: 'confirm-label' }), confirm),
      act('Rollback', 'danger', async () => {
        const app = shown.d.target.app, env = shown.d.target.environment;
        if (confirm.value !== app) throw new Error('type the application name "' + app + '" to confirm');
        const started = await api('POST', '/targets/' + enc(app) + '/' + enc(env) + '/rollback', {}, { 'Idempotency-Key': rollbackKey });
        rollbackKey = randomKey();
        confirm.value = '';
        return started;
      })),
    message, body);

  const render = data => {
    const { d } = data;
    const s = status(d);
    if (shown && status(shown.d) !== s) notice('Now ' + words(s));
    shown = data;
    const app = d.target.app, env = d.target.environment;
    heading.textContent = app + ' → ' + env + ' ' + d.version;
    chipSlot.className = 'chip ' + chipClass(s);
    chipSlot.textContent = words(s);
    const finished = !!d.finishedAt;
    const mine = state.me && state.me.name === d.requestedBy;
    const given = (d.approvals || []);
    const expired = d.phaseDeadline && new Date(d.phaseDeadline) < new Date();
    const approveWhy = s !== 'AWAITING_APPROVAL' ? 'not waiting for approval' : mine ? 'you requested it; another identity must approve'
      : expired ? 'the approval expired' : '';
    allow('Approve', approveWhy || (given.some(a => a.by === state.me.name) ? 'you approved it already' : ''));
    allow('Reject', approveWhy);
    allow('Cancel', finished ? 'already finished' : '');
    allow('Promote', s === 'BAKE' ? '' : 'only while baking');
    allow('Rollback', '');
    document.getElementById('confirm-label').textContent = 'Type ' + app + ' to roll ' + env + ' back';
    const losses = (d.phases || []).flatMap(p => (p.evidence || []).filter(e => e.name === 'loss estimate'));
    summary.replaceChildren(
      h('p', {}, words(short(d.kind, 'DEPLOYMENT_KIND_')) + ' from ' + (d.previousVersion || 'nothing') + ', requested by ' + d.requestedBy + ' ', when(d.createdAt),
        finished ? h('span', {}, ', finished ', when(d.finishedAt)) : ''),
      d.reason ? h('p', { class: s === 'SUCCEEDED' ? '' : 'error', id: 'reason' }, d.reason) : '',
      d.forceReason ? h('p', { class: 'banner' }, 'Forced: ' + d.forceReason) : '',
      d.freezeOverrideReason ? h('p', { class: 'banner' }, 'Freeze overridden: ' + d.freezeOverrideReason) : '',
      d.slot ? h('p', {}, 'Blue-green: deploys to slot ' + d.slot + (d.switched ? ', its switch ran' : ', traffic not switched to it')) : '',
      strategyOf(d).canary ? h('p', { id: 'canary' }, 'Canary: ' + (d.step ? 'step ' + d.step + ' of ' + (strategyOf(d).canary.steps || []).length + ', weight ' + (d.weight || 0) + '%' : 'no step yet')) : '',
      strategyOf(d).rolling ? h('p', { id: 'rolling' }, 'Rolling: ' + (d.step ? 'wave ' + d.step + ' of ' + waves(strategyOf(d).rolling) + ' (' + (d.instances || []).join(', ') + ')' : 'no wave yet') + '; instances ' + (strategyOf(d).rolling.instances || []).join(', ')) : '',
      losses.length ? h('section', { id: 'loss', 'aria-labelledby': 'loss-title' }, h('h2', { id: 'loss-title' }, 'What the restore discards'),
        h('ul', {}, losses.map(e => h('li', {}, e.detail)))) : '');
    approvals.replaceChildren(
      h('h2', {}, d.approvalsRequired ? 'Approvals ' + given.length + ' of ' + d.approvalsRequired : 'No approval required'),
      given.length ? h('ul', {}, given.map(a => h('li', {}, a.by + ' ', when(a.at), a.comment ? ': ' + a.comment : ''))) : '');
    // Keep what the reader opened and where the focus was across a live redraw.
    const open = new Set([...body.querySelectorAll('details[open]')].map(el => el.dataset.key));
    const focused = body.contains(document.activeElement) ? document.activeElement.dataset.key : null;
    body.replaceChildren(...details(data, open));
    if (focused) { const again = body.querySelector('[data-key="' + CSS.escape(focused) + '"]'); if (again) again.focus(); }
  };
  await refresh();
}

function details({ d, rounds, deliveries, sets }, open) {
  const id = d.id;
  return [
    h('h2', {}, 'Timeline'),
    h('div', { class: 'scroll' }, h('table', { class: 'timeline' },
      h('thead', {}, h('tr', {}, ['Phase', 'Attempt', 'Outcome', 'Started', 'Ended', 'Duration', 'Summary'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (d.phases || []).map(p => {
        const key = p.phase + '/' + (p.step || 0) + '/' + p.attempt;
        return h('tr', { 'data-phase': phaseName(p.phase), 'data-step': p.step || 0 },
          h('td', {}, words(phaseName(p.phase)) + stepOf(d, p)), h('td', {}, p.attempt),
          h('td', {}, p.outcome ? chip(short(p.outcome, 'PHASE_OUTCOME_')) : chip('RUNNING')),
          h('td', {}, when(p.startedAt)), h('td', {}, p.finishedAt ? when(p.finishedAt) : 'running'), h('td', {}, duration(p.startedAt, p.finishedAt)),
          h('td', {}, p.summary,
            (p.evidence || []).length ? h('ul', {}, p.evidence.map(e => h('li', {}, (e.passed ? '✓ ' : '✗ ') + e.name + ': ' + e.detail))) : '',
            (p.log || []).length ? h('details', { 'data-key': 'log/' + key, open: open.has('log/' + key) },
              h('summary', { 'data-key': 'summary/' + key }, 'Log, last ' + p.log.length + ' of ' + p.logLines + ' lines'),
              h('pre', {}, p.log.join('\n')),
              h('a', { href: '/api/v1/deployments/' + enc(id) + '/phases/' + p.phase + '/attempts/' + p.attempt + '/log.txt' + (p.step ? '?step=' + p.step : ''), download: '', 'data-key': 'download/' + key },
                'Download the full log')) : ''));
      })))),
    h('h2', {}, 'Health checks'), roundsTable(rounds),
    h('h2', {}, 'Backup sets of this deployment'),
    sets.error ? unavailable('the backup sets', sets) : backupTables(sets.value),
    h('h2', {}, 'Notifications'),
    deliveries.error ? unavailable('the notifications', deliveries) : deliveryList(deliveries.value)];
}
const strategyOf = d => (d.spec || {}).strategy || {};
const waves = rolling => Math.ceil((rolling.instances || []).length / (rolling.maxUnavailable || 1));
// Where a phase of a canary or a rolling release stands: " step 2 (50%)", " wave 2: b".
function stepOf(d, p) {
  if (!p.step) return '';
  const strategy = strategyOf(d);
  if (strategy.canary) {
    const step = (strategy.canary.steps || [])[p.step - 1] || {};
    return ' step ' + p.step + (step.weight ? ' (' + step.weight + '%)' : '');
  }
  if (strategy.rolling) {
    const all = strategy.rolling.instances || [];
    const per = strategy.rolling.maxUnavailable || 1;
    const upTo = all.slice(0, p.step * per);
    const back = phaseName(p.phase) === 'REVERT' || phaseName(p.phase) === 'VERIFY_ROLLBACK';
    return ' wave ' + p.step + ': ' + (back ? upTo.reverse() : upTo.slice((p.step - 1) * per)).join(', ');
  }
  return ' step ' + p.step;
}
function roundsTable(rounds) {
  if (rounds.error) return unavailable('the check rounds', rounds);
  const all = rounds.value.items;
  if (!all.length) return h('p', { class: 'muted' }, 'No health checks ran.');
  const last = all.slice(-ROUNDS_SHOWN);
  return h('div', {},
    last.length < all.length || rounds.value.more
      ? h('p', { class: 'muted' }, 'The last ' + last.length + ' of ' + all.length + (rounds.value.more ? '+' : '') + ' rounds; the timeline shows each check\'s verdict.') : '',
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Phase', 'Round', 'Check', 'Outcome', 'Saw', 'Latency', 'Checked'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, last.map(r => h('tr', {}, h('td', {}, words(phaseName(r.phase)) + ' #' + r.attempt), h('td', {}, r.round),
        h('td', {}, r.check), h('td', {}, chip(short(r.outcome, 'CHECK_OUTCOME_')), r.counted ? '' : h('div', { class: 'muted' }, 'not counted')),
        h('td', {}, r.observed), h('td', {}, r.latencyMs + ' ms'), h('td', {}, when(r.checkedAt))))))));
}
function backupTables(sets) {
  if (!sets.length) return h('p', { class: 'muted' }, 'No backup sets.');
  return h('div', {}, sets.map(b => h('section', { class: 'set' },
    h('h3', {}, words(short(b.kind, 'BACKUP_SET_KIND_')) + ' ' + b.id + ' ', chip(short(b.status, 'BACKUP_SET_STATUS_'))),
    h('p', { class: 'muted' }, b.summary, ' — taken ', when(b.createdAt)),
    h('div', { class: 'scroll' }, h('table', {},
      h('thead', {}, h('tr', {}, ['Item', 'Source', 'Size', 'SHA-256'].map(c => h('th', { scope: 'col' }, c)))),
      h('tbody', {}, (b.artifacts || []).map(a => h('tr', {}, h('td', {}, a.itemIndex), h('td', {}, a.source),
        h('td', {}, Number(a.sizeBytes || 0).toLocaleString() + ' bytes'), h('td', { class: 'hash' }, a.sha256)))))))));
}
function deliveryList(page) {
  const all = page.deliveries || [];
  if (!all.length) return h('p', { class: 'muted' }, 'No notifications.');
  return h('ul', {}, all.map(v => h('li', {},
    v.eventType + ' to ' + v.channel + ': ', chip(short(v.status, 'DELIVERY_STATUS_')), ' after ' + v.attemptCount + ' attempt(s)',
    (v.attempts || []).length ? h('ol', {}, v.attempts.map(a => h('li', {}, when(a.at), ': ' + (a.succeeded ? 'delivered' : 'failed'),
      a.httpStatus ? ', HTTP ' + a.httpStatus : '', a.latencyMs != null ? ', ' + a.latencyMs + ' ms' : '', a.detail ? ' — ' + a.detail : ''))) : '')),
    page.nextPageToken ? h('li', { class: 'muted' }, 'More notifications: see slipway deliveries.') : '');
}

async function history(params) {
  const view = state.view;
  const field = (name, label) => h('label', { for: 'f-' + name }, label, h('input', { id: 'f-' + name, name, value: params[name] || '' }));
  const statuses = ['', ...ACTIVE, 'SUCCEEDED', ...FAILED, 'CANCELLED'];
  const form = h('form', { class: 'inline', onsubmit: ev => {
    ev.preventDefault();
    location.hash = '#/history' + q(Object.fromEntries(new FormData(form)));
  } }, field('app', 'Application'), field('environment', 'Environment'),
  h('label', { for: 'f-status' }, 'Status', h('select', { id: 'f-status', name: 'status' },
    statuses.map(s => h('option', { value: s, selected: params.status === s }, s ? words(s) : 'any')))),
  field('requestedBy', 'Requested by'), field('version', 'Version'), h('button', { type: 'submit' }, 'Filter'));
  const rows = h('tbody', {});
  const more = h('div', {});
  const next = async token => {
    const page = await api('GET', '/deployments' + q({ ...params, pageSize: 50, pageToken: token }));
    if (stale(view)) return;
    const added = (page.deployments || []).map(d => h('tr', {},
      h('td', {}, h('a', { href: '#/deployments/' + d.id }, d.target.app + ' → ' + d.target.environment + ' ' + d.version)),
      h('td', {}, chip(status(d))), h('td', {}, d.requestedBy), h('td', {}, when(d.createdAt))));
    rows.append(...added);
    more.replaceChildren(page.nextPageToken
      ? h('button', { type: 'button', onclick: () => next(page.nextPageToken).catch(failure) }, 'Older')
      : h('p', { class: 'muted' }, rows.children.length ? 'No older deployments.' : 'No deployments match.'));
    if (token && added.length) { const link = added[0].querySelector('a'); link.focus(); }
  };
  await next('');
  if (stale(view)) return;
  show(h('h1', {}, 'History'), form,
    h('div', { class: 'scroll' }, h('table', { class: 'history' },
      h('thead', {}, h('tr', {}, ['Deployment', 'Status', 'Requested by', 'Created'].map(c => h('th', { scope: 'col' }, c)))), rows)),
    more);
}

async function target(app, env) {
  const view = state.view;
  const path = '/targets/' + enc(app) + '/' + enc(env);
  const [t, quarantined] = await Promise.all([api('GET', path), api('GET', '/quarantined' + q({ app, environment: env }))]);
  const rows = h('tbody', {});
  const more = h('div', {});
  const next = async token => {
    const page = await api('GET', path + '/ledger' + q({ pageSize: 50, pageToken: token }));
    if (stale(view)) return;
    rows.append(...(page.entries || []).map(e => h('tr', {}, h('td', {}, h('a', { href: '#/deployments/' + e.deploymentId }, e.version)),
      h('td', {}, when(e.since), e.arrived ? h('div', { class: 'muted' }, 'by ' + e.arrived) : ''), h('td', {}, e.until ? when(e.until) : 'now'),
      h('td', {}, e.deployedBy), h('td', {}, (e.approvedBy || []).join(', ')),
      h('td', {}, e.left || '', e.leftReason ? h('div', {}, e.leftReason) : ''))));
    more.replaceChildren(page.nextPageToken ? h('button', { type: 'button', onclick: () => next(page.nextPageToken).catch(failure) }, 'Older') : '');
  };
  await next('');
  if (stale(view)) return;
  show(h('h1', {}, app + ' in ' + env),
    h('p', {}, 'Runs ' + (t.currentVersion || 'nothing') + ' ', t.currentSince ? when(t.currentSince) : '', ', revision ' + t.revision),
    h('h2', {}, 'Quarantined versions'),
    (quarantined.versions || []).length
      ? h('ul', {}, quarantined.versions.map(v => h('li', {}, v.version + ': ' + (v.reason || ''))))
      : h('p', { class: 'muted' }, 'None.'),
    h('h2', {}, 'Ledger'),
    h('div', { class: 'scroll' }, h('table', { class: 'ledger' },
      h('thead', {}, h('tr', {}, ['Version', 'Since', 'Until', 'Deployed by', 'Approved by', 'Left'].map(c => h('th', { scope: 'col' }, c)))), rows)),
    more,
    h('h2', {}, 'Spec (secrets by name only)'), h('pre', { id: 'spec' }, JSON.stringify(t.spec, null, 2)));
}

async function route() {
  closeStreams();
  notice(state.told);
  state.told = '';
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
    try {
      await api('DELETE', '/session');
      state.me = null; state.csrf = null; signIn();
    } catch (e) { notice('Sign-out failed: ' + e.message); }
  });
  try { signedIn(await api('GET', '/session')); route(); } catch (e) { signIn(); }
});
