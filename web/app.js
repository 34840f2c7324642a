// The ofctl-ts web view: a client of the public API and nothing more. It reads
// /switches, /apps and /apps/vnet/*, listens to /events for switch up/down, port status
// and intent changes, and polls counters every 2 s while the page is visible.
// No framework: one state object, one render per animation frame, HTML built as strings
// (1000 switches render in one innerHTML assignment).

const $ = (sel) => document.querySelector(sel);
const ESC = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const esc = (v) => String(v).replace(/[&<>"']/g, (c) => ESC[c]);
const POLL_MS = 2000;

const state = {
  switches: new Map(),
  apps: [],
  vnet: undefined,
  networks: [],
  selected: undefined,
  portStats: [],
  filter: '',
  healthy: false,
};

let scheduled = false;
function schedule() {
  if (scheduled) return;
  scheduled = true;
  requestAnimationFrame(() => {
    scheduled = false;
    render();
  });
}

async function getJson(url) {
  const r = await fetch(url, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function loadSwitches() {
  const { switches } = await getJson('/switches');
  state.switches = new Map(switches.map((s) => [s.dpid, s]));
  state.healthy = true;
  schedule();
}

async function loadApps() {
  state.apps = (await getJson('/apps')).apps;
  if (state.apps.some((a) => a.name === 'vnet')) await loadVnet();
}

async function loadVnet() {
  const vnet = state.apps.find((a) => a.name === 'vnet');
  if (!vnet) return;
  state.vnet = await getJson('/apps/vnet/state');
  state.networks = vnet.routes.includes('GET /apps/vnet/networks')
    ? (await getJson('/apps/vnet/networks')).networks
    : state.vnet.networks.map((n) => ({ ...n, source: 'config' }));
  schedule();
}

async function loadPortStats() {
  if (!state.selected) return;
  try {
    state.portStats = (await getJson(`/switches/${state.selected}/ports`)).ports;
  } catch {
    state.portStats = [];
  }
  schedule();
}

function applyEvent(type, e) {
  if (type === 'switch_up') {
    state.switches.set(e.dpid, {
      dpid: e.dpid,
      peer: e.peer,
      connectedSince: new Date(e.at).toISOString(),
      nTables: e.nTables,
      ports: e.ports,
      apps: [],
      role: 'equal',
      counters: { packetIns: 0, flowMods: 0, packetOuts: 0, errors: 0 },
    });
  } else if (type === 'switch_down') {
    state.switches.delete(e.dpid);
  } else if (type === 'port_status') {
    const sw = state.switches.get(e.dpid);
    if (sw) {
      const others = sw.ports.filter((p) => p.portNo !== e.port.portNo);
      sw.ports =
        e.reason === 'delete' ? others : [...others, e.port].sort((a, b) => a.portNo - b.portNo);
    }
  } else if (type === 'intent_changed') {
    void loadVnet();
  }
  if (type !== 'intent_changed') schedule();
}

function connectEvents() {
  const es = new EventSource('/events');
  const pill = $('#stream');
  let opened = false;
  es.onopen = () => {
    pill.textContent = 'events: live';
    pill.classList.add('live');
    // After a reconnection, read the whole picture again for anything missed meanwhile
    // (the first time, the initial load below does it).
    if (opened) void loadSwitches().catch(() => undefined);
    opened = true;
  };
  es.onerror = () => {
    pill.textContent = 'events: reconnecting';
    pill.classList.remove('live');
  };
  for (const type of [
    'switch_up',
    'switch_down',
    'port_status',
    'intent_changed',
    'flow_removed',
  ]) {
    es.addEventListener(type, (m) => applyEvent(type, JSON.parse(m.data)));
  }
}

const portNumber = (n) => (n === 0xfffffffe ? 'LOCAL' : n);

function portChips(ports) {
  return ports
    .map(
      (p) =>
        `<span class="port${p.up ? '' : ' down'}" title="${esc(p.hwAddr)}">${esc(p.name)}:${portNumber(p.portNo)}</span>`,
    )
    .join('');
}

function renderSwitches() {
  const f = state.filter.toLowerCase();
  const rows = [];
  const all = [...state.switches.values()].sort((a, b) => (a.dpid < b.dpid ? -1 : 1));
  const shown = f
    ? all.filter(
        (s) =>
          s.dpid.includes(f) ||
          s.peer.includes(f) ||
          s.ports.some((p) => p.name.toLowerCase().includes(f)),
      )
    : all;
  for (const s of shown) {
    const c = s.counters;
    rows.push(
      `<tr class="sw" data-dpid="${s.dpid}"><td class="dpid">${s.dpid}</td><td>${esc(s.peer)}</td>` +
        `<td>${esc(s.connectedSince.replace('T', ' ').slice(0, 19))}</td><td>${esc(s.role)}</td>` +
        `<td>${esc(s.apps.join(', '))}</td><td class="num">${c.packetIns}</td><td class="num">${c.flowMods}</td>` +
        `<td class="num">${c.packetOuts}</td><td class="num">${c.errors}</td><td>${portChips(s.ports)}</td></tr>`,
    );
  }
  $('#switches tbody').innerHTML = rows.join('');
  $('#switch-count').textContent = f ? `(${shown.length} of ${all.length})` : `(${all.length})`;
}

function renderVnet() {
  const v = state.vnet;
  $('#vnet-section').hidden = !v;
  $('#topology-section').hidden = !v;
  if (!v) return;
  $('#networks tbody').innerHTML = state.networks
    .map(
      (n) =>
        `<tr data-network="${esc(n.name)}"><td>${esc(n.name)}</td><td class="num">${n.vlan}</td>` +
        `<td class="num">${n.tunnelKey ?? ''}</td><td>${esc(n.source)}</td></tr>`,
    )
    .join('');
  $('#hosts').innerHTML = v.datapaths
    .map((d) => {
      const ports = d.ports
        .map(
          (p) =>
            `<li>${esc(p.name)} (${p.number}, ${esc(p.mode)}): ${esc(p.networks.join(', '))}</li>`,
        )
        .join('');
      const macs = d.macs
        .map(
          (m) =>
            `<li><code>${esc(m.mac)}</code> ${esc(m.network ?? `vlan ${m.vlan}`)} on ${esc(m.portName ?? m.port)}</li>`,
        )
        .join('');
      return (
        `<div class="host" data-dpid="${d.dpid}"><h3>${esc(d.name ?? d.dpid)} <span class="dpid muted">${d.dpid}</span></h3>` +
        `<div>ports</div><ul>${ports}</ul><div>learned MACs (${d.macs.length})</div><ul>${macs}</ul></div>`
      );
    })
    .join('');
  renderTopology(v);
}

/** Hosts on a circle; a line between two hosts that carry a network over tunnels (solid) or trunks (dashed). */
function renderTopology(v) {
  const svg = $('#topology');
  const w = svg.clientWidth || 800;
  const h = 320;
  const hosts = v.datapaths;
  const r = Math.min(w, h) / 2 - 50;
  const pos = hosts.map((_, i) => {
    const a = (2 * Math.PI * i) / Math.max(hosts.length, 1) - Math.PI / 2;
    return hosts.length === 1 ? [w / 2, h / 2] : [w / 2 + r * Math.cos(a), h / 2 + r * Math.sin(a)];
  });
  const carried = (d, kind) =>
    new Set(
      d.ports
        .filter((p) => p.mode === kind)
        .flatMap((p) => p.networks.map((n) => n.replace(/\/(tunnel|tagged)$/, ''))),
    );
  const parts = [];
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      for (const kind of ['tunnel', 'trunk']) {
        const a = carried(hosts[i], kind);
        const shared = [...carried(hosts[j], kind)].filter((n) => a.has(n));
        if (shared.length === 0) continue;
        const [x1, y1] = pos[i];
        const [x2, y2] = pos[j];
        const off = kind === 'trunk' ? 8 : 0;
        parts.push(
          `<line class="link ${kind}" x1="${x1}" y1="${y1 + off}" x2="${x2}" y2="${y2 + off}"><title>${kind}: ${esc(shared.join(', '))}</title></line>`,
          `<text class="label" x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 + off - 4}">${kind} ${esc(shared.join(', '))}</text>`,
        );
      }
    }
  }
  hosts.forEach((d, i) => {
    const [x, y] = pos[i];
    const label = esc(d.name ?? d.dpid);
    parts.push(
      `<g class="node" data-dpid="${d.dpid}"><rect x="${x - 60}" y="${y - 16}" width="120" height="32"></rect>` +
        `<text x="${x}" y="${y + 4}">${label}</text></g>`,
    );
  });
  svg.setAttribute('viewBox', `0 0 ${w} ${h}`);
  svg.innerHTML = parts.join('');
}

function renderPortStats() {
  $('#port-stats-section').hidden = !state.selected;
  if (!state.selected) return;
  $('#port-stats-dpid').textContent = state.selected;
  $('#port-stats tbody').innerHTML = state.portStats
    .map(
      (p) =>
        `<tr><td class="num">${p.portNo}</td><td>${esc(p.name)}</td><td>${p.up ? 'up' : 'down'}</td>` +
        `<td class="num">${p.rxPackets}</td><td class="num">${p.txPackets}</td><td class="num">${p.rxBytes}</td>` +
        `<td class="num">${p.txBytes}</td><td class="num">${p.rxDropped + p.txDropped}</td><td class="num">${p.rxErrors + p.txErrors}</td></tr>`,
    )
    .join('');
}

function render() {
  $('#health').textContent = state.healthy
    ? `${state.switches.size} switch${state.switches.size === 1 ? '' : 'es'} connected`
    : 'controller not answering';
  renderSwitches();
  renderVnet();
  renderPortStats();
}

$('#filter').addEventListener('input', (e) => {
  state.filter = e.target.value;
  schedule();
});
$('#switches tbody').addEventListener('click', (e) => {
  const row = e.target.closest('tr.sw');
  if (!row) return;
  state.selected = row.dataset.dpid;
  void loadPortStats();
});

function poll() {
  if (document.visibilityState !== 'visible') return;
  loadSwitches().catch(() => {
    state.healthy = false;
    schedule();
  });
  if (state.vnet) void loadVnet().catch(() => undefined);
  void loadPortStats();
}

connectEvents();
await Promise.all([loadSwitches(), loadApps()]).catch(() => {
  state.healthy = false;
  schedule();
});
setInterval(poll, POLL_MS);
