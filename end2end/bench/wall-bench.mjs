#!/usr/bin/env node
// Browser benchmark of the board page (issue #13): a benchmark script, not a test. It asserts
// no targets: it measures and prints.
//
// What it does, per build (a server binary and its site folder):
//   1. starts the real server on a throwaway SQLite file (`--addr 127.0.0.1:0`, like
//      end2end/tests/server.ts) and imports a generated Big Picture wall through
//      `POST /api/boards/import` (deterministic: seeded; 5,000 stickies in rows along a long
//      timeline, 40 bounded contexts as frames around blocks, 1,700 arrows between neighbours);
//   2. opens the board in Debian's Chromium (1400x900) and measures:
//      - open:   ms from navigation to `.status[data-status="live"]` plus a first `.sticky`
//                (or `.wall[data-drawn="true"]`), then the next frame laid out (median of 3
//                loads, each in a fresh browser context: cold HTTP cache);
//      - memory: JS heap after a forced GC (`performance.memory`), WebAssembly memory, and the
//                number of elements in the document, after the last load;
//      - pan:    frame times (requestAnimationFrame to requestAnimationFrame) while wheeling
//                over `.wall[data-view]` (or `.wall-scroll`), 40 px per 16 ms, direction
//                reversed every second;
//      - zoom:   frame times while Ctrl+wheeling over `.wall[data-view]` from 100 % (key `0`) to
//                5 % (`.zoom-level[data-zoom]`) and back; "n/a" without `.wall[data-view]`;
//      - remote: N bot participants (WebSockets in a second browser page) join (frame times
//                until the page has drawn a second of quick frames again); then one more socket
//                renames a sticky in view, one rename at a time (3, or 1 if it takes over
//                10 s); then every bot moves a sticky in view once a second while the renamer
//                renames one every 500 ms ("under load"), for --seconds. Latency from the
//                rename's WebSocket message arriving in the page (a wrapper around
//                window.WebSocket) to the new text in `.sticky[data-id=…]` (MutationObserver)
//                and the next frame laid out (a requestAnimationFrame callback that forces style
//                and layout: paint is not included); also from the bot's send to that point, and
//                the frame times meanwhile (main thread: performance.now() between
//                requestAnimationFrame callbacks, streamed out of the page as they come).
//   Every wait has a time cap (--cap, 90 s): a tab frozen for longer is reported as what was
//   seen (a frame time of "≥ N ms", renames "k/n shown"), never waited for. Exit status: 0
//   when it measured, 1 when a build could not be opened at all, 2 for bad flags, 3 when the
//   watchdog ended a run that outlived every cap.
//
// Output: a Markdown table on stdout (metric | new | baseline | new/baseline), then one JSON
// line with everything (the last line of stdout). Progress goes to stderr.
//
// Run (after `cargo leptos build --release`):
//   scripts/bench-browser.sh                       # target/release/stormwall, 5,000 stickies
//   scripts/bench-browser.sh --short               # the CI form: 500 stickies, 1.5 s phases
//   scripts/bench-browser.sh --baseline-bin /path/old/stormwall --baseline-site /path/old/site
// or directly: node end2end/bench/wall-bench.mjs [flags]. Flags (each also as an environment
// variable BENCH_<FLAG>, e.g. BENCH_STICKIES=1000; --bin/--site also read STORMWALL_BIN and
// STORMWALL_SITE_ROOT like the browser tests):
//   --bin PATH --site PATH                 build to measure (default target/release/stormwall,
//                                          target/site)
//   --baseline-bin PATH --baseline-site PATH   a second build, measured in the same run
//   --stickies N (5000) --contexts N (40) --arrows N (1700) --participants N (20)
//   --seconds S (5) per phase, --loads N (3) page loads for `open`, --cap S (90) per phase
//   --short   500 stickies, 4 contexts, 50 arrows, 5 participants, 1.5 s phases
//   --seed N  board layout seed (1), --json FILE also write the JSON there
//   --chromium PATH (default $CHROMIUM_PATH or /usr/bin/chromium)

import { createRequire } from 'node:module';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { chromium } = require('@playwright/test');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');

// ---------------------------------------------------------------------------------------------
// Options

function parseArgs(argv) {
  const env = (k) => process.env[`BENCH_${k.toUpperCase().replace(/-/g, '_')}`];
  const o = {
    bin: env('bin') ?? process.env.STORMWALL_BIN ?? path.join(root, 'target', 'release', 'stormwall'),
    site: env('site') ?? process.env.STORMWALL_SITE_ROOT ?? path.join(root, 'target', 'site'),
    'baseline-bin': env('baseline-bin'),
    'baseline-site': env('baseline-site'),
    stickies: env('stickies'),
    contexts: env('contexts'),
    arrows: env('arrows'),
    participants: env('participants'),
    seconds: env('seconds'),
    loads: env('loads') ?? '3',
    cap: env('cap') ?? '90',
    seed: env('seed') ?? '1',
    json: env('json'),
    chromium: env('chromium') ?? process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    short: ['1', 'true', 'yes'].includes(String(env('short') ?? '').toLowerCase()),
  };
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i];
    if (a === '--help' || a === '-h') {
      const head = fs.readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n');
      console.log(head.slice(1, head.findIndex((l) => l.startsWith('import'))).join('\n').replace(/^\/\/ ?/gm, ''));
      process.exit(0);
    }
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    a = a.slice(2);
    let value;
    const eq = a.indexOf('=');
    if (eq >= 0) [a, value] = [a.slice(0, eq), a.slice(eq + 1)];
    if (a === 'short') {
      o.short = true;
      continue;
    }
    if (!(a in o)) throw new Error(`unknown flag --${a} (see --help)`);
    if (value === undefined) {
      value = argv[++i];
      if (value === undefined) throw new Error(`--${a} needs a value`);
    }
    o[a] = value;
  }
  const num = (v, d, name, { min = 0, int = true } = {}) => {
    if (v === undefined || v === null || v === '') return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || (int && !Number.isInteger(n))) throw new Error(`--${name}: bad number ${v}`);
    return n;
  };
  const s = o.short;
  const cfg = {
    bin: path.resolve(o.bin),
    site: path.resolve(o.site),
    baselineBin: o['baseline-bin'] ? path.resolve(o['baseline-bin']) : null,
    baselineSite: o['baseline-site'] ? path.resolve(o['baseline-site']) : null,
    stickies: num(o.stickies, s ? 500 : 5000, 'stickies', { min: 1 }),
    contexts: num(o.contexts, s ? 4 : 40, 'contexts'),
    arrows: num(o.arrows, s ? 50 : 1700, 'arrows'),
    participants: num(o.participants, s ? 5 : 20, 'participants'),
    seconds: num(o.seconds, s ? 1.5 : 5, 'seconds', { min: 0.1, int: false }),
    loads: num(o.loads, 3, 'loads', { min: 1 }),
    cap: num(o.cap, 90, 'cap', { min: 1, int: false }),
    seed: num(o.seed, 1, 'seed'),
    json: o.json ?? null,
    chromium: o.chromium,
    short: s,
  };
  if (cfg.stickies > 5000) throw new Error('--stickies: a board holds at most 5,000 stickies');
  if (cfg.contexts > 500) throw new Error('--contexts: a board holds at most 500 bounded contexts');
  if (cfg.arrows > 10000) throw new Error('--arrows: a board holds at most 10,000 arrows');
  // The server admits 50 sockets per address; the measured page and the renamer take two.
  if (cfg.participants > 45) throw new Error('--participants: at most 45 (the server admits 50 sockets per address)');
  if (cfg.baselineBin && !cfg.baselineSite) cfg.baselineSite = path.join(path.dirname(cfg.baselineBin), 'site');
  return cfg;
}

const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class Timeout extends Error {}

/** `promise`, or a `Timeout` after `ms`; the promise's own later failure is swallowed. */
async function within(promise, ms, what) {
  let timer;
  promise.catch?.(() => {});
  try {
    return await Promise.race([
      promise,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Timeout(`${what}: no answer within ${(ms / 1000).toFixed(1)} s`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------
// The board: a Big Picture wall, deterministic for a seed

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const uuid = (kind, i) => `00000000-0000-4${kind.toString(16).padStart(3, '0')}-8000-${i.toString(16).padStart(12, '0')}`;

// core/src/kind.rs: names and default sizes.
const KINDS = {
  domain_event: { w: 160, h: 110 },
  command: { w: 160, h: 110 },
  aggregate: { w: 180, h: 130 },
  policy: { w: 180, h: 130 },
  read_model: { w: 160, h: 110 },
  actor: { w: 130, h: 90 },
  external_system: { w: 200, h: 110 },
  hotspot: { w: 160, h: 110 },
};
// A Big Picture wall is mostly orange.
const KIND_MIX = [
  ['domain_event', 0.55],
  ['command', 0.12],
  ['aggregate', 0.06],
  ['policy', 0.07],
  ['read_model', 0.05],
  ['actor', 0.06],
  ['external_system', 0.04],
  ['hotspot', 0.05],
];
const NOUNS = ['Order', 'Ticket', 'Payment', 'Invoice', 'Seat', 'Booking', 'Refund', 'Voucher', 'Shipment', 'Customer',
  'Cart', 'Reservation', 'Talk', 'Speaker', 'Venue', 'Badge', 'Sponsor', 'Discount', 'Schedule', 'Room'];
const PAST = ['Placed', 'Confirmed', 'Cancelled', 'Paid', 'Reserved', 'Released', 'Shipped', 'Refunded', 'Issued',
  'Expired', 'Approved', 'Rejected', 'Scheduled', 'Submitted', 'Assigned'];
const VERBS = ['Place', 'Confirm', 'Cancel', 'Pay', 'Reserve', 'Release', 'Ship', 'Refund', 'Issue', 'Approve',
  'Reject', 'Schedule', 'Submit', 'Assign'];
const ACTORS = ['Customer', 'Organiser', 'Speaker', 'Attendee', 'Sponsor', 'Volunteer', 'Accountant'];
const SYSTEMS = ['Payment Gateway', 'Mail Service', 'CRM', 'Ticket Printer', 'Accounting', 'Badge Scanner'];
const CONTEXTS = ['Ticketing', 'Payments', 'Invoicing', 'Scheduling', 'Catalogue', 'Shipping', 'Identity', 'Sponsoring',
  'Venues', 'Badges', 'Refunds', 'Notifications', 'Reporting', 'Pricing', 'Inventory', 'Support', 'Loyalty', 'Check-in',
  'Speakers', 'Marketing'];

function generateBoard({ stickies: n, contexts, arrows, seed }) {
  const rnd = mulberry32(seed * 7919 + 17);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const cols = Math.min(100, n);
  const rows = Math.ceil(n / cols);
  const [X0, Y0, DX, DY] = [40, 80, 220, 140];
  const kindOf = () => {
    let r = rnd();
    for (const [k, p] of KIND_MIX) if ((r -= p) < 0) return k;
    return 'domain_event';
  };
  const text = (kind, i) => {
    const noun = pick(NOUNS);
    switch (kind) {
      case 'domain_event': return `${noun} ${pick(PAST)} ${i}`;
      case 'command': return `${pick(VERBS)} ${noun} ${i}`;
      case 'aggregate': return `${noun} ${i}`;
      case 'policy': return `Whenever ${noun} ${pick(PAST)}, ${pick(VERBS).toLowerCase()} ${pick(NOUNS).toLowerCase()} ${i}`;
      case 'read_model': return `${noun} overview ${i}`;
      case 'actor': return `${pick(ACTORS)} ${i}`;
      case 'external_system': return `${pick(SYSTEMS)} ${i}`;
      default: return `Who may ${pick(VERBS).toLowerCase()} a ${noun.toLowerCase()}? ${i}`;
    }
  };
  const withFields = new Set(['domain_event', 'command', 'aggregate', 'read_model']);
  const stickyList = [];
  for (let i = 0; i < n; i++) {
    const kind = kindOf();
    const c = i % cols;
    const r = Math.floor(i / cols);
    const s = {
      id: uuid(1, i + 1),
      kind,
      text: text(kind, i + 1),
      pos: { x: X0 + c * DX + Math.floor(rnd() * 8), y: Y0 + r * DY + Math.floor(rnd() * 8) },
      size: { ...KINDS[kind] },
      description: rnd() < 0.1 ? `What the team means by this, written down in the workshop (${i + 1}).` : '',
      fields: withFields.has(kind) && rnd() < 0.1 ? [{ name: 'order_id', type: 'Uuid' }, { name: 'amount', type: 'u64' }] : [],
    };
    stickyList.push(s);
  }
  // Contexts: a grid of blocks over the wall, about as wide as the wall's aspect asks.
  const frames = [];
  if (contexts > 0) {
    const aspect = (cols * DX) / (rows * DY);
    let cy = Math.min(rows, Math.max(1, Math.round(Math.sqrt(contexts / aspect))));
    let cx = Math.ceil(contexts / cy);
    if (cx > cols) {
      cx = cols;
      cy = Math.min(rows, Math.ceil(contexts / cx));
    }
    for (let k = 0; k < Math.min(contexts, cx * cy); k++) {
      const bx = k % cx;
      const by = Math.floor(k / cx);
      const c0 = Math.floor((bx * cols) / cx);
      const c1 = Math.floor(((bx + 1) * cols) / cx);
      const r0 = Math.floor((by * rows) / cy);
      const r1 = Math.floor(((by + 1) * rows) / cy);
      const name = `${CONTEXTS[k % CONTEXTS.length]}${k >= CONTEXTS.length ? ` ${Math.floor(k / CONTEXTS.length) + 1}` : ''}`;
      frames.push({
        id: uuid(2, k + 1),
        name,
        rect: { x: X0 + c0 * DX - 12, y: Y0 + r0 * DY - 30, w: Math.max(60, (c1 - c0) * DX - 4), h: Math.max(60, (r1 - r0) * DY - 4) },
      });
    }
  }
  // Arrows between neighbours: right along the timeline mostly, sometimes down a row.
  const connectors = [];
  const seen = new Set();
  for (let attempts = 0; connectors.length < arrows && attempts < arrows * 20 + 100; attempts++) {
    const a = Math.floor(rnd() * n);
    let b;
    if (rnd() < 0.75 && (a % cols) + 1 < cols) b = a + 1;
    else b = a + cols;
    if (b >= n || b === a) continue;
    const key = `${a}>${b}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const label = rnd() < 0.15 ? pick(['then', 'triggers', 'updates', 'notifies']) : null;
    connectors.push({ id: uuid(3, connectors.length + 1), from: stickyList[a].id, to: stickyList[b].id, label });
  }
  return {
    format: 'stormwall-board',
    version: 1,
    title: `Bench wall (${n} stickies)`,
    stickies: stickyList,
    frames,
    connectors,
  };
}

// ---------------------------------------------------------------------------------------------
// The server, as end2end/tests/server.ts runs it

const children = new Set();
function killAll() {
  for (const c of children) {
    try {
      c.kill('SIGKILL');
    } catch {}
  }
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    killAll();
    process.exit(130);
  });
}

class Server {
  constructor(bin, site) {
    this.bin = bin;
    this.site = site;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stormwall-bench-'));
    this.url = '';
    this.stderr = '';
  }
  async start() {
    if (!fs.existsSync(this.bin)) throw new Error(`no server binary at ${this.bin} (build with cargo leptos build --release)`);
    if (!fs.existsSync(this.site)) throw new Error(`no site folder at ${this.site}`);
    const child = spawn(this.bin, ['--database', `sqlite://${path.join(this.dir, 'board.db')}`, '--addr', '127.0.0.1:0', '--site-root', this.site], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, RUST_LOG: 'warn' },
    });
    this.child = child;
    children.add(child);
    child.on('exit', () => children.delete(child));
    child.stderr.on('data', (d) => {
      this.stderr = (this.stderr + d.toString()).slice(-4000);
    });
    this.url = await new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`server did not start within 30 s: ${this.stderr}`)), 30_000);
      child.stdout.on('data', (d) => {
        out += d.toString();
        const m = out.match(/listening on (http:\/\/[\d.:]+)/);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.on('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`server exited with ${code}: ${this.stderr}`));
      });
    });
  }
  async stop() {
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await within(exited, 5000, 'server stop').catch(() => {
        child.kill('SIGKILL');
        return within(exited, 5000, 'server kill').catch(() => {});
      });
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function importBoard(base, file) {
  const body = JSON.stringify(file);
  const res = await within(fetch(`${base}/api/boards/import`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }), 120_000, 'import');
  const text = await res.text();
  if (res.status !== 201) throw new Error(`import refused: HTTP ${res.status} ${text.slice(0, 500)}`);
  // Boards are private (issue #9): the facilitator's link carries the key in its fragment.
  // Builds from before that answer without links, and open with the bare address.
  const { id, links } = JSON.parse(text);
  const key = links?.find((l) => l.role === 'facilitator')?.key;
  return { id, key, url: key ? `${base}/b/${id}#k=${key}` : `${base}/b/${id}`, bytes: body.length };
}

// ---------------------------------------------------------------------------------------------
// In the measured page (added before any of the page's scripts run)

export function pageInstrumentation() {
  const B = (window.__bench = { sockets: 0, messages: 0, pending: [], recording: false, wasmMemories: [] });
  const report = (kind, data) => {
    try {
      window.__benchReport?.(kind, data);
    } catch {}
  };

  // Every WebSocket the app opens: note when each message is dispatched (this listener is
  // the first on the socket, so it runs before the app's `onmessage`).
  const Native = window.WebSocket;
  class BenchSocket extends Native {
    constructor(...args) {
      super(...args);
      B.sockets++;
      this.addEventListener('message', (ev) => {
        const arrival = performance.now();
        B.messages++;
        const d = ev.data;
        if (typeof d !== 'string' || d.length > 16384 || !d.includes('"sticky_text_edited"')) return;
        try {
          const m = JSON.parse(d);
          if (m.type === 'event' && m.event?.type === 'sticky_text_edited' && B.observer) {
            B.pending.push({ id: m.event.id, text: m.event.text, arrival, arrivalEpoch: performance.timeOrigin + arrival });
          }
        } catch {}
      });
    }
  }
  window.WebSocket = BenchSocket;

  // WebAssembly memory (not part of the JS heap figure).
  const keep = (result) => {
    try {
      const inst = result instanceof WebAssembly.Instance ? result : result?.instance;
      for (const v of Object.values(inst?.exports ?? {})) if (v instanceof WebAssembly.Memory) B.wasmMemories.push(v);
    } catch {}
    return result;
  };
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const orig = WebAssembly[name];
    if (typeof orig === 'function') WebAssembly[name] = function (...a) { return orig.apply(this, a).then(keep); };
  }

  // The next frame with the page's pending changes laid out: in a requestAnimationFrame
  // callback, force style and layout (they would run right after it in that frame anyway) and
  // take the time. Paint and compositing come after that and are not included. A task posted
  // from the callback would include them but also every task queued meanwhile (WebSocket
  // messages), so it is not used.
  B.afterNextFrame = (f) =>
    requestAnimationFrame(() => {
      const raf = performance.now();
      void document.documentElement.offsetHeight;
      f(performance.now(), raf);
    });
  B.nextFrameRendered = () => new Promise((r) => B.afterNextFrame((t) => r(t)));

  // Frame times, streamed out every 250 ms so that a tab that freezes later loses nothing.
  B.startFrames = () => {
    if (B.recording) return;
    B.recording = true;
    let last = null;
    let buf = [];
    let flushed = performance.now();
    // performance.now(), not the callback's timestamp: that is when the frame was begun,
    // which for a frame that waited behind a long task is long before it ran.
    const loop = () => {
      if (!B.recording) return;
      const now = performance.now();
      if (last !== null) buf.push(+(now - last).toFixed(2));
      last = now;
      if (now - flushed > 250 && buf.length) {
        report('frames', { intervals: buf, endEpoch: performance.timeOrigin + now });
        buf = [];
        flushed = now;
      }
      requestAnimationFrame(loop);
    };
    requestAnimationFrame(loop);
  };
  B.stopFrames = () => {
    B.recording = false;
  };

  // Renames: when the text of an edited sticky is in the DOM, then that frame rendered.
  B.observe = () => {
    if (B.observer) return;
    const check = () => {
      if (!B.pending.length) return;
      const now = performance.now();
      B.pending = B.pending.filter((p) => {
        const el = document.querySelector(`.sticky[data-id="${p.id}"]`);
        if (!el || !el.textContent.includes(p.text)) return true;
        const mutation = now;
        B.afterNextFrame((rendered, raf) => {
          report('remote', {
            id: p.id,
            text: p.text,
            arrival: p.arrival,
            mutation: mutation - p.arrival,
            raf: raf - p.arrival,
            rendered: rendered - p.arrival,
            arrivalEpoch: p.arrivalEpoch,
            renderedEpoch: performance.timeOrigin + rendered,
          });
        });
        return false;
      });
    };
    B.observer = new MutationObserver(check);
    B.observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  };
}

// ---------------------------------------------------------------------------------------------
// The bot participants (in a second page, on the server's origin)

function botsStart({ wsBase, boardId, boardKey, n, moveTargets, renameTargets, seed }) {
  const B = (window.__bots = { sockets: [], sent: [], moves: 0, acks: 0, errors: 0, errorSamples: [], closed: 0, timers: [] });
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const id = () =>
    'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {
      const r = Math.floor(Math.random() * 16);
      return (c === 'x' ? r : (r & 3) | 8).toString(16);
    });
  const open = (name) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${wsBase}/ws/boards/${boardId}?name=${encodeURIComponent(name)}`);
      let welcomed = false;
      // A connection's first message is its link's key (builds with private boards).
      if (boardKey) ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', key: boardKey }));
      ws.onmessage = (e) => {
        if (!welcomed) {
          welcomed = true;
          resolve(ws);
          return;
        }
        const d = e.data;
        if (typeof d !== 'string' || d.length > 4096) return;
        if (d.startsWith('{"type":"ack"')) B.acks++;
        else if (d.startsWith('{"type":"error"')) {
          B.errors++;
          if (B.errorSamples.length < 5) B.errorSamples.push(d.slice(0, 300));
        }
      };
      ws.onclose = (e) => {
        B.closed++;
        if (!welcomed) reject(new Error(`${name}: closed before the welcome (${e.code} ${e.reason})`));
      };
    });
  const send = (ws, command) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'command', command_id: id(), command }));
  };
  B.ready = (async () => {
    const names = [...Array(n).keys()].map((i) => `Bot${i + 1}`);
    names.push('Renamer');
    B.sockets = await Promise.all(names.map(open));
  })();
  B.go = () => {
    const bots = B.sockets.slice(0, n);
    bots.forEach((ws, i) => {
      const tick = () => {
        const t = moveTargets[Math.floor(rnd() * moveTargets.length)];
        const pos = { x: t.x + Math.round((rnd() - 0.5) * 40), y: t.y + Math.round((rnd() - 0.5) * 24) };
        send(ws, { type: 'move_sticky', id: t.id, pos });
        B.moves++;
      };
      B.timers.push(
        setTimeout(() => {
          tick();
          B.timers.push(setInterval(tick, 1000));
        }, Math.floor((i * 1000) / Math.max(1, n))),
      );
    });
    const rename = () => B.sent.push(B.renameOnce());
    B.timers.push(setTimeout(() => { rename(); B.timers.push(setInterval(rename, 500)); }, 250));
  };
  const words = ['Aurora', 'Basalt', 'Cobalt', 'Dune', 'Ember', 'Fjord', 'Granite', 'Harbour', 'Indigo', 'Juniper'];
  let k = 0;
  B.renameOnce = () => {
    k++;
    const target = renameTargets[k % renameTargets.length];
    const text = `Renamed ${k} ${words[Math.floor(rnd() * words.length)]} ${Math.floor(rnd() * 1e6)}`;
    send(B.sockets[n], { type: 'edit_sticky_text', id: target.id, text });
    return { id: target.id, text, sentEpoch: performance.timeOrigin + performance.now() };
  };
  B.stop = () => {
    for (const t of B.timers) {
      clearTimeout(t);
      clearInterval(t);
    }
    B.timers = [];
    return { sent: B.sent, moves: B.moves, acks: B.acks, errors: B.errors, errorSamples: B.errorSamples, closed: B.closed };
  };
  B.close = () => {
    for (const ws of B.sockets) ws.close();
  };
  return true;
}

// ---------------------------------------------------------------------------------------------
// Statistics and formatting

function pct(values, p) {
  if (!values.length) return null;
  const s = [...values].sort((x, y) => x - y);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
const median = (v) => pct(v, 50);
const round = (x, d = 1) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);

/** Frame times and the wall's box in the measured page. `framesBetween(start, end)`: the
 * frame intervals streamed out between two Node-side instants; a tab that has drawn no frame
 * for more than a second before `end` contributes that gap as a (lower bound) frame. */
export function probe(page, stream, capMs) {
  const framesBetween = (start, end) => {
    const out = [];
    let lastEpoch = null;
    for (const b of stream.frames) {
      if (b.endEpoch < start) continue;
      if (b.endEpoch > end + 300) break;
      out.push(...b.intervals);
      lastEpoch = b.endEpoch;
    }
    const gap = end - (lastEpoch ?? start);
    const frozen = gap > 1000;
    if (frozen) out.push(gap);
    return { intervals: out, frozenGap: frozen ? Math.round(gap) : 0 };
  };
  const frameStats = (f) =>
    f.intervals.length
      ? { p50: round(median(f.intervals)), p95: round(pct(f.intervals, 95)), max: round(Math.max(...f.intervals)), n: f.intervals.length, frozenGapMs: f.frozenGap }
      : null;
  const startFrames = () => within(page.evaluate(() => window.__bench.startFrames()), capMs, 'start frames');
  const stopFrames = () => within(page.evaluate(() => window.__bench.stopFrames()), 5000, 'stop frames').catch(() => {});
  const wallBox = async () => {
    for (const sel of ['.wall[data-view]', '.wall-scroll']) {
      const el = await page.$(sel);
      const box = el && (await el.boundingBox());
      if (box) return { sel, box };
    }
    return null;
  };

  // Whether the page has drawn `quietMs` of consecutive quick frames (< 100 ms each) since
  // `since`: then no backlog of messages is being worked off (a page can answer an evaluate
  // between two queued messages, so that alone does not say it is idle).
  const quietSince = (since, quietMs) => {
    let run = 0;
    for (const b of stream.frames) {
      if (b.endEpoch < since) continue;
      for (const iv of b.intervals) {
        run = iv < 100 ? run + iv : 0;
        if (run >= quietMs) return true;
      }
    }
    return false;
  };
  const waitQuiet = async (since, quietMs, ms) => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (quietSince(since, quietMs)) return true;
      await sleep(100);
    }
    return false;
  };
  return { framesBetween, frameStats, startFrames, stopFrames, wallBox, waitQuiet };
}

/** Ctrl+wheel over `.wall[data-view]` from 100 % (key `0`) to 5 % and back, reading the level
 * from `.zoom-level[data-zoom]`; frame times meanwhile. */
export async function zoomPhase(page, { framesBetween, frameStats, startFrames, stopFrames, wallBox }, capMs, note) {
  const out = { zoom: null };
  let ctrl = false;
  try {
    const zoomOf = () =>
      within(page.evaluate(() => {
        const z = document.querySelector('.zoom-level')?.getAttribute('data-zoom');
        return z ? parseFloat(z) : null;
      }), capMs, 'zoom level');
    await within(page.evaluate(() => document.activeElement?.blur?.()), capMs, 'blur');
    await page.keyboard.press('0');
    for (let i = 0; i < 50 && Math.abs(((await zoomOf()) ?? 1) - 1) > 0.001; i++) await sleep(40);
    const start0 = await zoomOf();
    if (start0 !== null && Math.abs(start0 - 1) > 0.001) note(`zoom: key 0 left the zoom at ${start0}, not 1`);
    const { box } = await within(wallBox(), capMs, 'wall box');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await startFrames();
    await sleep(200);
    const start = Date.now();
    const deadline = start + capMs;
    await page.keyboard.down('Control');
    ctrl = true;
    let steps = 0;
    let lowest = start0 ?? 1;
    let highest = lowest;
    const known = start0 !== null;
    for (const [dy, done] of [
      [100, (z, i) => (known ? z <= 0.0501 : i >= 60)],
      [-100, (z, i) => (known ? z >= 0.999 : i >= 60)],
    ]) {
      let last = null;
      let still = 0;
      for (let i = 0; i < 300 && Date.now() < deadline; i++) {
        const tick = Date.now();
        await within(page.mouse.wheel(0, dy), Math.max(1, deadline - tick), 'wheel');
        steps++;
        const z = known ? await zoomOf() : null;
        if (z !== null) {
          lowest = Math.min(lowest, z);
          highest = Math.max(highest, z);
        }
        if (done(z, i + 1)) break;
        // Stuck at a limit (or the wheel does nothing): give up after 20 steps.
        still = z !== null && z === last ? still + 1 : 0;
        last = z;
        if (still >= 20) break;
        const wait = 16 - (Date.now() - tick);
        if (wait > 0) await sleep(wait);
      }
    }
    const end = Date.now();
    await page.keyboard.up('Control');
    ctrl = false;
    await sleep(300);
    await stopFrames();
    out.zoom = frameStats(framesBetween(start, end));
    out.zoomSteps = steps;
    out.zoomLowest = known ? lowest : null;
    if (known && lowest > 0.0501) note(`zoom: only reached ${lowest} (not 5 %)`);
    if (!known) note('zoom: no .zoom-level[data-zoom]: 60 steps out and 60 back');
    await page.keyboard.press('0').catch(() => {});
  } catch (e) {
    if (ctrl) await page.keyboard.up('Control').catch(() => {});
    note(`zoom: ${e.message.split('\n')[0]}`);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// One build

const LIVE_AND_DRAWN = () => {
  const live = document.querySelector('.status[data-status="live"]');
  const drawn = document.querySelector('.sticky') || document.querySelector('.wall[data-drawn="true"]');
  return live && drawn ? performance.now() : false;
};

async function measureBuild(label, bin, site, boardFile, cfg) {
  const capMs = cfg.cap * 1000;
  const m = { label, bin, site, notes: [] };
  const note = (s) => {
    m.notes.push(s);
    log(`${label}: ${s}`);
  };
  const server = new Server(bin, site);
  let browser;
  try {
    await server.start();
    log(`${label}: server at ${server.url} (${bin})`);
    const board = await importBoard(server.url, boardFile);
    log(`${label}: imported board ${board.id} (${(board.bytes / 1024).toFixed(0)} KiB board file)`);
    m.board = board.url;

    browser = await chromium.launch({
      executablePath: cfg.chromium,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync', '--enable-precise-memory-info'],
    });

    // Streams from the measured page (see pageInstrumentation).
    const stream = { frames: [], remote: [] };
    const newMeasuredContext = async () => {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      context.setDefaultTimeout(capMs);
      await context.exposeFunction('__benchReport', (kind, data) => {
        if (kind === 'frames') stream.frames.push(data);
        else if (kind === 'remote') stream.remote.push(data);
      });
      await context.addInitScript(pageInstrumentation);
      return context;
    };

    // --- open (and memory after the last load) -------------------------------------------
    const opens = [];
    let page, context;
    for (let i = 0; i < cfg.loads; i++) {
      if (context) await within(context.close(), 15_000, 'close').catch(() => {});
      context = await newMeasuredContext();
      page = await context.newPage();
      page.on('pageerror', (e) => note(`page error: ${String(e).slice(0, 200)}`));
      const t0 = Date.now();
      try {
        await page.goto(board.url, { waitUntil: 'commit', timeout: capMs });
        const h = await page.waitForFunction(LIVE_AND_DRAWN, null, { polling: 'raf', timeout: capMs - (Date.now() - t0) });
        const ready = await h.jsonValue();
        const rendered = await within(page.evaluate(() => window.__bench.nextFrameRendered()), Math.max(1000, capMs - (Date.now() - t0)), 'first frame');
        opens.push({ page: rendered, ready, node: Date.now() - t0 });
        log(`${label}: open ${i + 1}/${cfg.loads}: ${rendered.toFixed(0)} ms (live and drawn at ${ready.toFixed(0)} ms)`);
      } catch (e) {
        note(`open ${i + 1} failed after ${Date.now() - t0} ms: ${e.message.split('\n')[0]}`);
        m.frozenAfterOpen = true;
        break;
      }
    }
    m.open = opens.length === cfg.loads ? round(median(opens.map((o) => o.page)), 0) : null;
    m.openRuns = opens.map((o) => round(o.page, 0));
    m.openNodeRuns = opens.map((o) => o.node);
    if (m.open === null) return m;

    // Let the page settle, then memory after a forced GC.
    await sleep(1000);
    try {
      const cdp = await context.newCDPSession(page);
      await within(cdp.send('HeapProfiler.collectGarbage'), 30_000, 'gc');
      const mem = await within(
        page.evaluate(() => ({
          heap: performance.memory ? performance.memory.usedJSHeapSize : null,
          elements: document.getElementsByTagName('*').length,
          stickies: document.querySelectorAll('.sticky').length,
          wasm: window.__bench.wasmMemories.reduce((s, w) => s + w.buffer.byteLength, 0) || null,
          viewport: !!document.querySelector('.wall[data-view]'),
          zoomLevel: !!document.querySelector('.zoom-level'),
        })),
        capMs,
        'memory',
      );
      m.heapMB = mem.heap === null ? null : round(mem.heap / 2 ** 20, 1);
      m.domElements = mem.elements;
      m.stickyElements = mem.stickies;
      m.wasmMB = mem.wasm === null ? null : round(mem.wasm / 2 ** 20, 1);
      m.hasViewport = mem.viewport;
      m.hasZoomLevel = mem.zoomLevel;
      log(`${label}: memory: JS heap ${m.heapMB} MB, wasm ${m.wasmMB} MB, ${m.domElements} elements (${m.stickyElements} .sticky)`);
    } catch (e) {
      note(`memory: ${e.message.split('\n')[0]}`);
    }

    const { framesBetween, frameStats, startFrames, stopFrames, wallBox, waitQuiet } = probe(page, stream, capMs);

    // --- pan ---------------------------------------------------------------------------------
    try {
      const target = await within(wallBox(), capMs, 'wall box');
      if (!target) throw new Error('neither a zoomable .wall nor .wall-scroll on the page');
      const { box } = target;
      if (m.hasViewport) {
        // A first visit fits the whole board (cards at this size): pan at 100 %, as people work.
        await within(page.evaluate(() => document.activeElement && document.activeElement.blur()), capMs, 'blur');
        await page.keyboard.press('0');
        await within(page.evaluate(() => window.__bench.nextFrameRendered()), capMs, 'frame');
      }
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await startFrames();
      await sleep(200);
      const start = Date.now();
      const deadline = start + cfg.seconds * 1000;
      let steps = 0;
      // Where the wall is on screen, to check that the wheel really pans it.
      const where = () =>
        within(page.evaluate(() => {
          // A zoomable wall says where it looks ("x,y,zoom"); the old one scrolls its content.
          const view = document.querySelector('.wall[data-view]');
          if (view) {
            const [x, y] = view.getAttribute('data-view').split(',').map(Number);
            return { x: -x, y: -y };
          }
          const el = document.querySelector('.sticky') || document.querySelector('.wall');
          const r = el ? el.getBoundingClientRect() : { left: 0, top: 0 };
          return { x: r.left, y: r.top };
        }), 2000, 'position').catch(() => null);
      const before = await where();
      let moved = null;
      while (Date.now() < deadline) {
        if (moved === null && Date.now() - start > 900) {
          const now = await where();
          moved = before && now ? Math.round(Math.hypot(now.x - before.x, now.y - before.y)) : -1;
        }
        const dir = Math.floor((Date.now() - start) / 1000) % 2 === 0 ? 1 : -1;
        const tick = Date.now();
        await within(page.mouse.wheel(40 * dir, 20 * dir), deadline - tick + capMs, 'wheel');
        steps++;
        const wait = 16 - (Date.now() - tick);
        if (wait > 0) await sleep(wait);
      }
      const end = Date.now();
      await sleep(300);
      await stopFrames();
      m.pan = frameStats(framesBetween(start, end));
      m.panSteps = steps;
      m.panMovedPx = moved;
      if (moved === 0) note('pan: the wheel did not move the wall');
      log(`${label}: pan (${target.sel}, ${steps} wheel steps, moved ${moved} px in the first second): ${JSON.stringify(m.pan)}`);
    } catch (e) {
      note(`pan: ${e.message.split('\n')[0]}`);
      m.pan = null;
    }

    // --- zoom --------------------------------------------------------------------------------
    if (!m.hasViewport) {
      m.zoom = 'n/a';
      log(`${label}: zoom: n/a (no zoomable wall)`);
    } else {
      Object.assign(m, await zoomPhase(page, probe(page, stream, capMs), capMs, note));
      log(`${label}: zoom (${m.zoomSteps} steps, lowest ${m.zoomLowest}): ${JSON.stringify(m.zoom)}`);
    }

    // --- remote ------------------------------------------------------------------------------
    let botsContext;
    try {
      // Back to the top-left (100 %), then take the stickies that are fully in view.
      await within(page.evaluate(() => {
        const s = document.querySelector('.wall-scroll');
        if (s) s.scrollTo(0, 0);
        if (document.activeElement) document.activeElement.blur();
      }), capMs, 'scroll home');
      // The zoomable wall: 100 % around the middle of the board.
      if (m.hasViewport) await page.keyboard.press('0');
      await within(page.evaluate(() => window.__bench.nextFrameRendered()), capMs, 'frame');
      const visible = await within(page.evaluate(() => {
        const area = (document.querySelector('.wall[data-view]') || document.querySelector('.wall-scroll') || document.body).getBoundingClientRect();
        const out = [];
        for (const el of document.querySelectorAll('.sticky[data-id]')) {
          const r = el.getBoundingClientRect();
          if (r.width > 0 && r.left >= area.left && r.top >= area.top && r.right <= Math.min(area.right, innerWidth) && r.bottom <= Math.min(area.bottom, innerHeight))
            out.push({ id: el.getAttribute('data-id'), top: r.top, left: r.left });
        }
        out.sort((a, b) => a.top - b.top || a.left - b.left);
        return out.map((o) => o.id);
      }), capMs, 'visible stickies');
      const byId = new Map(boardFile.stickies.map((s) => [s.id, s]));
      let ids = visible.filter((id) => byId.has(id));
      if (ids.length < 2 && m.hasViewport) {
        // Elements may still be coming (a few per frame): take the board's stickies inside
        // the view the wall reports ("x,y,zoom").
        const v = await within(page.evaluate(() => {
          const wall = document.querySelector('.wall[data-view]');
          const [x, y, zoom] = wall.getAttribute('data-view').split(',').map(Number);
          const r = wall.getBoundingClientRect();
          return { x, y, w: r.width / zoom, h: r.height / zoom };
        }), capMs, 'view');
        ids = boardFile.stickies
          .filter((s) => s.pos.x >= v.x && s.pos.y >= v.y && s.pos.x + s.size.w <= v.x + v.w && s.pos.y + s.size.h <= v.y + v.h)
          .map((s) => s.id);
        note(`remote: ${ids.length} stickies in the view taken from the board file`);
      }
      if (ids.length < 2) {
        note(`remote: ${ids.length} .sticky elements in view; using the board's top-left stickies`);
        ids = boardFile.stickies.filter((s) => s.pos.x < 1000 && s.pos.y < 600).map((s) => s.id);
      }
      const renameTargets = ids.slice(0, Math.min(4, Math.max(1, Math.floor(ids.length / 4)))).map((id) => ({ id }));
      const moveTargets = (ids.length > renameTargets.length ? ids.slice(renameTargets.length) : ids).slice(0, 60).map((id) => ({ id, ...byId.get(id).pos }));
      m.remoteInView = ids.length;

      // Watch the page from before anyone joins: joining is part of the story.
      await within(page.evaluate(() => window.__bench.observe()), capMs, 'observe');
      const socketsBefore = await within(page.evaluate(() => window.__bench.sockets), capMs, 'sockets');
      await startFrames();
      const shownBy = (text) => stream.remote.find((r) => r.text === text);
      const stats = (xs) => (xs.length ? { p50: round(median(xs)), p95: round(pct(xs, 95)), max: round(Math.max(...xs)), n: xs.length } : null);

      botsContext = await browser.newContext({ viewport: { width: 800, height: 600 } });
      botsContext.setDefaultTimeout(capMs);
      const bots = await botsContext.newPage();
      await bots.goto(`${server.url}/`, { waitUntil: 'domcontentloaded', timeout: capMs });
      await within(bots.evaluate(botsStart, {
        wsBase: server.url.replace(/^http/, 'ws'),
        boardId: board.id,
        boardKey: board.key,
        n: cfg.participants,
        moveTargets,
        renameTargets,
        seed: cfg.seed,
      }), capMs, 'bots');
      const joinStart = Date.now();
      await within(bots.evaluate(() => window.__bots.ready), capMs, 'bots connecting');
      log(`${label}: remote: ${cfg.participants} bots and a renamer connected in ${Date.now() - joinStart} ms; ${ids.length} stickies in view`);
      // The joins (a presence message per join on the page) are worked off: a second of
      // quick frames.
      await sleep(300);
      const settled = await waitQuiet(Date.now(), 1000, capMs);
      const joinEnd = Date.now();
      m.remoteJoin = { frames: frameStats(framesBetween(joinStart, joinEnd)), settledMs: joinEnd - joinStart, settled };
      log(`${label}: remote: joins ${settled ? 'worked off' : 'not worked off'} after ${joinEnd - joinStart} ms; frames ${JSON.stringify(m.remoteJoin.frames)}`);

      // One rename at a time on a page nobody else is changing: the cost of one remote edit.
      const idle = [];
      const idleSent = new Set();
      const idleCap = capMs;
      for (let i = 0; settled && i < 3; i++) {
        const sent = await within(bots.evaluate(() => window.__bots.renameOnce()), capMs, 'rename');
        idleSent.add(sent.text);
        const until = Date.now() + idleCap;
        while (Date.now() < until && !shownBy(sent.text)) await sleep(50);
        const r = shownBy(sent.text);
        if (!r) {
          note(`remote (idle): a single rename not shown within ${idleCap / 1000} s`);
          break;
        }
        idle.push(r);
        await sleep(300);
        await waitQuiet(Date.now(), 500, idleCap);
        if (r.rendered > 10_000) {
          note(`remote (idle): one rename took ${(r.rendered / 1000).toFixed(1)} s; not repeated`);
          break;
        }
      }
      m.remoteIdle = stats(idle.map((r) => r.rendered));
      if (!settled || idle.length === 0) {
        const t = Date.now();
        const quiet = await waitQuiet(t, 1000, capMs);
        log(`${label}: remote: ${quiet ? `quiet after ${Date.now() - t} ms` : `still busy after ${capMs / 1000} s`}; now the participants work`);
      }

      // Then the participants at work: moves once a second each, a rename every 500 ms.
      const start = Date.now();
      await within(bots.evaluate(() => window.__bots.go()), capMs, 'bots go');
      await sleep(cfg.seconds * 1000);
      const botsResult = await within(bots.evaluate(() => window.__bots.stop()), capMs, 'bots stop');
      const end = Date.now();
      // Wait for every rename sent to be shown, up to the cap.
      const sent = botsResult.sent;
      const loaded = () => stream.remote.filter((r) => !idleSent.has(r.text));
      const waitUntil = end + capMs;
      while (Date.now() < waitUntil && loaded().length < sent.length) await sleep(100);
      const waited = Date.now() - end;
      const frames = framesBetween(start, Math.max(end, Date.now() - 300));
      await stopFrames();
      const socketsAfter = await within(page.evaluate(() => window.__bench.sockets), 10_000, 'sockets').catch(() => null);

      const seen = loaded();
      const shown = new Map(seen.map((r) => [r.text, r]));
      const e2e = sent.filter((s) => shown.has(s.text)).map((s) => shown.get(s.text).renderedEpoch - s.sentEpoch);
      m.remote = stats(seen.map((r) => r.rendered));
      m.remoteMutation = stats(seen.map((r) => r.mutation));
      m.remoteRaf = stats(seen.map((r) => r.raf));
      m.remoteE2e = stats(e2e);
      m.remoteShown = `${seen.length}/${sent.length}`;
      m.remoteUnshownAfterMs = seen.length < sent.length ? Math.round(end - start + waited) : 0;
      m.remoteFrames = frameStats(frames);
      m.remoteBots = { moves: botsResult.moves, renames: sent.length, acks: botsResult.acks, errors: botsResult.errors, closed: botsResult.closed };
      if (botsResult.errorSamples.length) note(`remote: bot errors, e.g. ${botsResult.errorSamples[0]}`);
      if (socketsAfter !== null && socketsAfter > socketsBefore) note(`remote: the page reconnected ${socketsAfter - socketsBefore} time(s) (dropped by the server's send deadline?)`);
      if (socketsAfter === null) note('remote: the page did not answer within 10 s after the phase (frozen)');
      if (seen.length < sent.length) note(`remote: only ${seen.length} of ${sent.length} renames shown ${((end - start + waited) / 1000).toFixed(0)} s after the first was sent`);
      log(`${label}: remote: idle ${JSON.stringify(m.remoteIdle)}; under load shown ${m.remoteShown}, latency ${JSON.stringify(m.remote)}, e2e ${JSON.stringify(m.remoteE2e)}, frames ${JSON.stringify(m.remoteFrames)}, bots ${JSON.stringify(m.remoteBots)}`);
      await within(bots.evaluate(() => window.__bots.close()), 10_000, 'bots close').catch(() => {});
    } catch (e) {
      note(`remote: ${e.message.split('\n')[0]}`);
      m.remote = m.remote ?? null;
    } finally {
      if (botsContext) await within(botsContext.close(), 15_000, 'close bots').catch(() => {});
    }
    if (context) await within(context.close(), 15_000, 'close').catch(() => {});
    return m;
  } finally {
    if (browser) await within(browser.close(), 20_000, 'browser close').catch(() => note('the browser did not close in 20 s'));
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// Report

const ROWS = [
  ['open (ms, median of loads)', (m) => m.open],
  ['pan frame p50 (ms)', (m) => m.pan?.p50],
  ['pan frame p95 (ms)', (m) => m.pan?.p95],
  ['pan frame max (ms)', (m) => m.pan?.max],
  ['zoom frame p50 (ms)', (m) => (m.zoom === 'n/a' ? 'n/a' : m.zoom?.p50)],
  ['zoom frame p95 (ms)', (m) => (m.zoom === 'n/a' ? 'n/a' : m.zoom?.p95)],
  ['zoom frame max (ms)', (m) => (m.zoom === 'n/a' ? 'n/a' : m.zoom?.max)],
  ['remote: frame max while participants join (ms)', (m) => (m.remoteJoin?.frames ? (m.remoteJoin.frames.frozenGapMs ? `≥ ${m.remoteJoin.frames.max}` : m.remoteJoin.frames.max) : null)],
  ['remote, one edit at a time: message to text laid out p50 (ms)', (m) => m.remoteIdle?.p50],
  ['remote under load: message to text laid out p50 (ms)', (m) => m.remote?.p50],
  ['remote under load: message to text laid out p95 (ms)', (m) => m.remote?.p95],
  ['remote under load: message to text laid out max (ms)', (m) => m.remote?.max],
  ['remote under load: bot send to text laid out p50 (ms)', (m) => m.remoteE2e?.p50],
  ['remote under load: bot send to text laid out max (ms)', (m) => m.remoteE2e?.max],
  ['remote under load: renames shown', (m) => m.remoteShown],
  ['remote under load: frame p95 (ms)', (m) => m.remoteFrames?.p95],
  ['remote under load: frame max (ms)', (m) => (m.remoteFrames ? (m.remoteFrames.frozenGapMs ? `≥ ${m.remoteFrames.max}` : m.remoteFrames.max) : null)],
  ['memory: JS heap after GC (MB)', (m) => m.heapMB],
  ['memory: WebAssembly (MB)', (m) => m.wasmMB],
  ['memory: DOM elements', (m) => m.domElements],
];

function cell(v) {
  if (v === null || v === undefined) return 'n/a';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(1);
  return String(v);
}
function ratio(a, b) {
  if (typeof a !== 'number' || typeof b !== 'number' || b === 0) return 'n/a';
  return `${(a / b).toFixed(2)}×`;
}

async function main() {
  let cfg;
  try {
    cfg = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e.message);
    process.exit(2);
  }
  if (!fs.existsSync(cfg.chromium)) {
    console.error(`no Chromium at ${cfg.chromium}`);
    process.exit(2);
  }
  // A last resort: whatever happens, the process ends.
  const perBuild = (cfg.loads + 10) * cfg.cap + 8 * cfg.seconds + 180;
  const total = perBuild * (cfg.baselineBin ? 2 : 1);
  const watchdog = setTimeout(() => {
    console.error(`[bench] watchdog: still running after ${Math.round(total / 60)} min, giving up`);
    killAll();
    process.exit(3);
  }, total * 1000);
  watchdog.unref();

  const boardFile = generateBoard(cfg);
  log(`board: ${boardFile.stickies.length} stickies, ${boardFile.frames.length} frames, ${boardFile.connectors.length} arrows (seed ${cfg.seed}); ` +
    `${cfg.participants} participants, ${cfg.seconds} s phases, cap ${cfg.cap} s; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const results = {};
  const builds = [['new', cfg.bin, cfg.site]];
  if (cfg.baselineBin) builds.push(['baseline', cfg.baselineBin, cfg.baselineSite]);
  for (const [label, bin, site] of builds) {
    try {
      results[label] = await measureBuild(label, bin, site, boardFile, cfg);
    } catch (e) {
      log(`${label}: could not measure: ${e.stack || e}`);
      results[label] = { label, bin, site, error: String(e.message || e), notes: [] };
    }
  }

  const n = results.new;
  const b = results.baseline ?? null;
  const lines = [
    `Browser benchmark: ${boardFile.stickies.length} stickies, ${boardFile.frames.length} contexts, ${boardFile.connectors.length} arrows, ` +
      `${cfg.participants} participants, ${cfg.seconds} s phases (Chromium 1400x900; load average ${os.loadavg()[0].toFixed(2)})`,
    '',
    '| metric | new | baseline | new/baseline |',
    '|---|---|---|---|',
  ];
  const ratios = {};
  for (const [name, get] of ROWS) {
    const nv = n.error ? null : get(n);
    const bv = b ? (b.error ? null : get(b)) : undefined;
    const r = b ? ratio(nv, bv) : '–';
    if (b) ratios[name] = r === 'n/a' ? null : Number(r.slice(0, -1));
    lines.push(`| ${name} | ${cell(nv)} | ${b ? cell(bv) : '–'} | ${r} |`);
  }
  for (const m of [n, b].filter(Boolean)) {
    if (m.error) lines.push('', `${m.label}: not measured: ${m.error}`);
    else if (m.notes.length) lines.push('', `${m.label}: ${m.notes.join('; ')}`);
  }
  console.log(lines.join('\n'));
  const json = JSON.stringify({
    bench: 'stormwall-browser',
    date: new Date().toISOString(),
    config: { ...cfg, board: { stickies: boardFile.stickies.length, frames: boardFile.frames.length, arrows: boardFile.connectors.length } },
    loadavg: os.loadavg(),
    new: n,
    baseline: b,
    ratios: b ? ratios : null,
  });
  console.log('');
  console.log(json);
  if (cfg.json) fs.writeFileSync(cfg.json, json + '\n');
  const measured = (m) => m && !m.error && m.open !== null;
  process.exitCode = measured(n) && (!b || measured(b)) ? 0 : 1;
}

const isMain = !!process.argv[1] && fs.realpathSync(path.resolve(process.argv[1])) === fs.realpathSync(fileURLToPath(import.meta.url));
if (isMain) main().then(
  () => {
    killAll();
    // Playwright may keep handles open after a frozen browser: leave anyway.
    setTimeout(() => process.exit(process.exitCode ?? 0), 200).unref();
  },
  (e) => {
    console.error(e);
    killAll();
    process.exit(1);
  },
);
