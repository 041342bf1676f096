// The page's side of the demo. The simulation and its drawing run in a
// dedicated Worker (worker.js) on the canvas this page hands over as an
// OffscreenCanvas; this thread never blocks. It forwards pointer, wheel, key
// and resize events, shows what the worker posts (notices, errors, figures),
// keeps the worker's last checkpoint, restarts a crashed worker from it, and
// exposes window.evosim.status() for tests:
//   {mode, tick, population, backend, adapter, state_hash, message,
//    threads, isolated, isolation, restarts, restart, memory_mb}
// Served without COOP/COEP headers, it registers coi-worker.js and reloads
// once, to be cross-origin isolated (threads) all the same.
//
// URL parameters read here: threads (rayon's pool size: 1 … 16, default the
// number of cores). The others are the simulation's (see web/src/lib.rs).

const MAX_THREADS = 16;
// At most this many restarts in a row without progress past the crash tick.
const MAX_RESTARTS = 5;
// The wasm memory's maximum (MB): 4 GiB in both builds.
const MEMORY_MAX_MB = 4096;

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
window.addEventListener('unhandledrejection', (ev) => show(`error: ${ev.reason}`));

/** The pool size the URL asks for (a bad value is an error naming it). */
function askedThreads() {
  const v = params.get('threads');
  const cores = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS));
  if (v === null) return cores;
  if (!/^[0-9]+$/.test(v) || Number(v) < 1 || Number(v) > MAX_THREADS) {
    throw new Error(`URL parameter threads=${JSON.stringify(v)}: a thread count from 1 to ${MAX_THREADS}`);
  }
  return Number(v);
}

/** Whether this browser has WebAssembly threads (a shared memory). */
function wasmThreads() {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return typeof SharedArrayBuffer === 'function';
  } catch {
    return false;
  }
}

const isolated = self.crossOriginIsolated === true;
// How the page is isolated: 'headers' (its server's), 'service-worker'
// (coi-worker.js, after one reload), or null; and why not, when it is not.
let isolation = null;
let notIsolatedWhy = null;
let threaded = false;
let threads = 1;
let last = { mode: 'loading', tick: 0, population: 0 };
let restarts = 0;
let restartNote = null;
let recovering = null; // {to, from, why}: a restarted worker recomputing
let checkpoint = null; // {tick, bytes}
let worker = null;
let generation = 0;
let canvas = $('evosim');

window.evosim = {
  status() {
    const { type, pool_threads: poolThreads, ...rest } = last;
    return {
      ...rest,
      threads: poolThreads ?? threads,
      isolated,
      isolation,
      restarts,
      restart: restartNote,
    };
  },
};

function sizeOf(c) {
  const ratio = Math.min(Math.max(window.devicePixelRatio || 1, 0.5), 4);
  return {
    width: Math.max(1, Math.round(c.clientWidth * ratio)),
    height: Math.max(1, Math.round(c.clientHeight * ratio)),
    ratio,
  };
}

const mods = (e) => ({ alt: e.altKey, ctrl: e.ctrlKey, shift: e.shiftKey, meta: e.metaKey });
const send = (m) => worker && worker.postMessage(m);

/** Forwards the canvas's pointer and wheel events and its size to the worker. */
function listen(c) {
  const pointer = (kind) => (e) => {
    if (kind === 'down') c.setPointerCapture(e.pointerId);
    send({ type: 'pointer', kind, x: e.offsetX, y: e.offsetY, button: e.button, ...mods(e) });
  };
  c.addEventListener('pointermove', pointer('move'));
  c.addEventListener('pointerdown', pointer('down'));
  c.addEventListener('pointerup', pointer('up'));
  c.addEventListener('pointerleave', pointer('leave'));
  c.addEventListener('contextmenu', (e) => e.preventDefault());
  c.addEventListener('wheel', (e) => {
    e.preventDefault();
    send({ type: 'wheel', x: e.offsetX, y: e.offsetY, dx: e.deltaX, dy: e.deltaY, mode: e.deltaMode, ...mods(e) });
  }, { passive: false });
  new ResizeObserver(() => send({ type: 'resize', ...sizeOf(c) })).observe(c);
}

const key = (pressed) => (e) => send({ type: 'key', pressed, key: e.key, repeat: e.repeat, ...mods(e) });
window.addEventListener('keydown', key(true));
window.addEventListener('keyup', key(false));

/** A fresh canvas in place of the old one (a canvas hands over its control once). */
function freshCanvas() {
  const c = canvas.cloneNode(false);
  canvas.replaceWith(c);
  canvas = c;
  listen(c);
  return c;
}

function startWorker(resume) {
  const c = restarts === 0 ? canvas : freshCanvas();
  if (restarts === 0) listen(c);
  const offscreen = c.transferControlToOffscreen();
  const gen = ++generation;
  const w = new Worker('worker.js', { type: 'module' });
  w.onmessage = (e) => gen === generation && onMessage(e.data);
  w.onerror = (e) => {
    e.preventDefault();
    if (gen === generation) crashed(e.message || 'the worker failed');
  };
  worker = w;
  w.postMessage({
    type: 'start',
    canvas: offscreen,
    threaded,
    threads,
    search: location.search,
    ...sizeOf(c),
    resume: resume?.bytes ?? null,
    resume_to: resume?.to ?? null,
    restarts,
  }, [offscreen]);
}

function onMessage(m) {
  switch (m.type) {
    case 'status':
      last = m;
      if (recovering && m.tick >= recovering.to) {
        restartNote = `The simulation worker crashed at tick ${recovering.to} (${recovering.why}); `
          + `restarted from the checkpoint of tick ${recovering.from} and recomputed to tick ${recovering.to}.`;
        line('restart', restartNote);
        recovering = null;
      }
      break;
    case 'checkpoint':
      checkpoint = { tick: m.tick, bytes: m.bytes };
      break;
    case 'notice':
      line('notice', m.text);
      break;
    case 'error':
      show(m.text);
      break;
    case 'stats':
      $('stats').textContent = m.text;
      break;
    case 'cursor':
      canvas.style.cursor = m.value;
      break;
    case 'failed':
      last = { ...last, mode: 'failed', message: m.text };
      show(m.text);
      break;
    case 'panic':
    case 'fatal':
      crashed(m.text);
      break;
    default:
      console.warn(`evosim: unknown message from the worker: ${m.type}`);
  }
}

/** The worker died (a panic aborts its wasm instance): start a fresh one from the last checkpoint. */
function crashed(why) {
  const at = last.tick;
  worker.terminate();
  worker = null;
  generation += 1; // later messages of the dead worker are ignored
  const mb = last.memory_mb ?? 0;
  if (mb > 0.85 * MEMORY_MAX_MB || /memory|allocation/i.test(why)) {
    const text = `The simulation ran out of memory at tick ${at} (wasm memory ${Math.round(mb)} MB `
      + `of at most ${MEMORY_MAX_MB} MB): try fewer entities (?entities=…). (${why})`;
    last = { ...last, mode: 'failed', message: text };
    show(text);
    return;
  }
  if (last.mode === 'starting' || last.mode === 'loading') {
    last = { ...last, mode: 'failed', message: why };
    show(`evosim could not start: ${why}`);
    return;
  }
  if (restarts >= MAX_RESTARTS) {
    const text = `The simulation worker crashed ${restarts + 1} times; not restarting it again. Last: ${why}`;
    last = { ...last, mode: 'failed', message: text };
    show(text);
    return;
  }
  restarts += 1;
  const from = checkpoint?.tick ?? 0;
  recovering = { to: at, from, why };
  restartNote = `The simulation worker crashed at tick ${at} (${why}); restarting it from the checkpoint `
    + `of tick ${from} and recomputing to tick ${at}…`;
  line('restart', restartNote);
  console.warn(restartNote);
  last = { ...last, mode: 'restarting' };
  startWorker({ bytes: checkpoint?.bytes ?? null, to: at });
}

const RELOADED = 'evosim-coi-reload';

/**
 * Makes the page cross-origin isolated where its server sends no COOP/COEP
 * headers: registers coi-worker.js (which adds them to every response) and
 * reloads once. Resolves to true when the page is about to reload. Where
 * service workers are unavailable (or did not take effect) it resolves to
 * false with the reason in `notIsolatedWhy`.
 */
async function isolate() {
  const tried = sessionStorage.getItem(RELOADED) !== null;
  sessionStorage.removeItem(RELOADED);
  if (isolated) {
    isolation = navigator.serviceWorker?.controller ? 'service-worker' : 'headers';
    return false;
  }
  if (tried) {
    notIsolatedWhy = 'its server sends no COOP/COEP headers and the service worker that adds them did not take effect';
    return false;
  }
  if (!window.isSecureContext || !navigator.serviceWorker) {
    notIsolatedWhy = 'its server sends no COOP/COEP headers and service workers are unavailable here';
    return false;
  }
  try {
    await navigator.serviceWorker.register('coi-worker.js');
    const late = new Promise((_, fail) => setTimeout(() => fail(new Error('not active after 10 s')), 10_000));
    await Promise.race([navigator.serviceWorker.ready, late]);
  } catch (e) {
    notIsolatedWhy = `its server sends no COOP/COEP headers and no service worker could add them (${e.message ?? e})`;
    return false;
  }
  sessionStorage.setItem(RELOADED, '1');
  location.reload();
  return true;
}

async function main() {
  if (await isolate()) return;
  if (typeof WebAssembly !== 'object') {
    show('This browser has no WebAssembly: evosim cannot run here.');
    return;
  }
  if (typeof OffscreenCanvas !== 'function' || !canvas.transferControlToOffscreen) {
    show('This browser cannot hand a canvas to a worker (no OffscreenCanvas): evosim cannot run here.');
    return;
  }
  const asked = askedThreads();
  const shared = wasmThreads();
  threaded = isolated && shared;
  threads = threaded ? asked : 1;
  if (threaded) {
    line('pool', `${threads} worker thread${threads === 1 ? '' : 's'} (rayon on Web Workers)`);
  } else {
    const why = !isolated
      ? `the page is not cross-origin isolated (${notIsolatedWhy ?? 'its server sends no COOP/COEP headers'})`
      : 'this browser has no WebAssembly threads';
    line('pool', `1 thread: ${why}, so the simulation runs on one thread — same results, slower`);
  }
  startWorker(null);
}

main().catch((e) => {
  last = { ...last, mode: 'failed', message: String(e.message ?? e) };
  show(String(e.message ?? e));
});
