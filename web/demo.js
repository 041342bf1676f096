// The demo page (index.html): one embedder of the evosim package
// (pkg/evosim.js), using nothing outside its API. It reads the URL's
// parameters into the viewer's options, mounts the viewer on its canvas,
// shows the viewer's notices, errors and figures, and exposes the handle's
// status as window.evosim.status() (the browser tests read it).
// Served without COOP/COEP headers, it registers coi-worker.js and reloads
// once, to be cross-origin isolated (threads) all the same.
//
// URL parameters: entities (3000, 10k, 1.5m), seed, scenario (a bundled
// name: scenarios/NAME.toml), backend (auto, gpu, cpu), ticks (stop at),
// speed (ticks per frame: 0.25 … 16), paused (1), present (canvas, copy),
// threads (1 … 16), fault (worker_panic@T, for tests); bench=10k,25k with
// bench_ticks and bench_warmup runs the benchmark instead of the viewer.
// @ts-check (the browser test runs tsc with checkJs on it)
import { MAX_THREADS, mountViewer, threadsAvailable } from './pkg/evosim.js';

const params = new URLSearchParams(location.search);
const $ = (id) => document.getElementById(id);

function show(text) {
  const e = $('error');
  e.textContent += (e.textContent ? '\n' : '') + text;
  e.hidden = false;
  console.error(text);
}

function line(id, text) {
  const e = $(id);
  e.textContent = text;
  e.hidden = !text;
}

window.addEventListener('error', (ev) => show(`error: ${ev.message}`));
window.addEventListener('unhandledrejection', (ev) => show(`error: ${ev.reason?.message ?? ev.reason}`));

// Until the viewer is mounted (and where it cannot be), this is the status.
let early = { mode: 'loading', tick: 0, population: 0, isolated: self.crossOriginIsolated === true };
let viewer = null;
Object.assign(window, { evosim: { status: () => viewer?.status() ?? early } });

function fail(text) {
  early = { ...early, mode: 'failed', message: text };
  show(text);
}

/** A URL parameter, checked: `read(text)` returns the value or throws a reason. */
function param(name, read) {
  const v = params.get(name);
  if (v === null) return undefined;
  try {
    return read(v);
  } catch (why) {
    throw new Error(`URL parameter ${name}=${JSON.stringify(v)}: ${why}`);
  }
}

const whole = (what) => (v) => {
  if (!/^[0-9]+$/.test(v)) throw what;
  return Number(v);
};

/** The viewer's options from the URL; scenarios are fetched as TOML text. */
async function options() {
  const o = {
    entities: param('entities', (v) => v),
    seed: param('seed', whole('an integer seed')),
    backend: param('backend', (v) => v),
    ticks: param('ticks', whole('a tick count')),
    speed: param('speed', (v) => {
      if (!/^[0-9.]+$/.test(v)) throw 'a number of ticks per frame';
      return Number(v);
    }),
    paused: param('paused', (v) => ['', '1', 'true', 'yes'].includes(v)),
    present: param('present', (v) => v),
    fault: param('fault', (v) => v),
    threads: param('threads', (v) => {
      const n = /^[0-9]+$/.test(v) ? Number(v) : NaN;
      if (!(n >= 1 && n <= MAX_THREADS)) throw `a thread count from 1 to ${MAX_THREADS}`;
      return n;
    }),
  };
  const name = param('scenario', (v) => {
    if (!/^[A-Za-z0-9_-]+$/.test(v)) throw 'a scenario name (letters, digits, - and _)';
    return v;
  });
  if (name !== undefined && name !== 'default') {
    const url = `scenarios/${name}.toml`;
    const r = await fetch(url);
    if (!r.ok) throw new Error(`cannot load scenario "${name}" (${url}): HTTP ${r.status}`);
    o.scenario = await r.text();
  }
  const sizes = param('bench', (v) => v);
  if (sizes !== undefined) {
    o.bench = {
      sizes,
      ticks: param('bench_ticks', whole('a tick count')),
      warmup: param('bench_warmup', whole('a tick count')),
    };
  }
  // Leave out what the URL does not set: the viewer's defaults apply.
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

const RELOADED = 'evosim-coi-reload';

/**
 * Makes the page cross-origin isolated where its server sends no COOP/COEP
 * headers: registers coi-worker.js (which adds them to every response) and
 * reloads once. Resolves to true when the page is about to reload, else to
 * the reason it is not isolated (null when it is).
 */
async function isolate() {
  const tried = sessionStorage.getItem(RELOADED) !== null;
  sessionStorage.removeItem(RELOADED);
  if (self.crossOriginIsolated === true) return null;
  if (tried) return 'its server sends no COOP/COEP headers and the service worker that adds them did not take effect';
  if (!window.isSecureContext || !navigator.serviceWorker) {
    return 'its server sends no COOP/COEP headers and service workers are unavailable here';
  }
  try {
    await navigator.serviceWorker.register('coi-worker.js');
    const late = new Promise((_, fail) => setTimeout(() => fail(new Error('not active after 10 s')), 10_000));
    await Promise.race([navigator.serviceWorker.ready, late]);
  } catch (e) {
    return `its server sends no COOP/COEP headers and no service worker could add them (${e.message ?? e})`;
  }
  sessionStorage.setItem(RELOADED, '1');
  location.reload();
  return true;
}

async function main() {
  const why = await isolate();
  if (why === true) return;
  if (typeof WebAssembly !== 'object') {
    fail('This browser has no WebAssembly: evosim cannot run here.');
    return;
  }
  const o = await options();
  viewer = mountViewer(/** @type {HTMLCanvasElement} */ ($('evosim')), o);
  viewer.on('notice', (text) => line('notice', text));
  viewer.on('restart', (text) => line('restart', text));
  viewer.on('stats', (text) => { $('stats').textContent = text; });
  viewer.on('error', (e) => show(e.message));
  const threads = viewer.status().threads;
  if (threadsAvailable()) {
    line('pool', `${threads} worker thread${threads === 1 ? '' : 's'} (rayon on Web Workers)`);
  } else {
    const reason = self.crossOriginIsolated !== true
      ? `the page is not cross-origin isolated (${why ?? 'its server sends no COOP/COEP headers'})`
      : 'this browser has no WebAssembly threads';
    line('pool', `1 thread: ${reason}, so the simulation runs on one thread — same results, slower`);
  }
}

main().catch((e) => fail(String(e.message ?? e)));
