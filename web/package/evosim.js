// evosim for web pages: the package's API (see evosim.d.ts for the types,
// web/README.md for a guide).
//
//   Simulation.create(options) → a headless simulation in its own Web
//                                Worker; every method returns a Promise.
//   mountViewer(canvas, options) → the viewer (WebGPU, else WebGL2, else a
//                                2D canvas) on the page's canvas, in its own
//                                Web Worker; a handle to steer and end it.
//
// Both load the threaded wasm build where the page is cross-origin isolated
// (rayon's pool on further Web Workers sharing the wasm memory), else the
// single-threaded one: same results, one thread. Every message between the
// page and the workers is a type of web/src/protocol/ (checked here by tsc:
// the browser test runs it with checkJs on this file).
// @ts-check

/** @typedef {import('./single/evosim_web.js').ToWorker} ToWorker */
/** @typedef {import('./single/evosim_web.js').FromWorker} FromWorker */
/** @typedef {import('./single/evosim_web.js').SimCall} SimCall */
/** @typedef {import('./single/evosim_web.js').Status} Status */
/** @typedef {import('./single/evosim_web.js').ViewerOptions} ViewerOptions */
/** @typedef {import('./single/evosim_web.js').SimulationOptions} SimulationOptions */
/** @typedef {import('./single/evosim_web.js').Figures} Figures */

/** The most threads a simulation's pool may have. */
export const MAX_THREADS = 16;
/** At most this many restarts of a crashed viewer without progress. */
const MAX_RESTARTS = 5;
/** The wasm memory's maximum (MB): 4 GiB in both builds. */
const MEMORY_MAX_MB = 4096;

/** Whether this page can run the threaded build: cross-origin isolated,
 * with a shared wasm memory. */
export function threadsAvailable() {
  if (globalThis.crossOriginIsolated !== true) return false;
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return typeof SharedArrayBuffer === 'function';
  } catch {
    return false;
  }
}

/** The pool a simulation gets: `threads` (1 … 16) where the page has
 * threads, else 1; default the browser's cores. A bad value throws. */
function poolSize(threads) {
  if (threads !== undefined && threads !== null
    && !(Number.isInteger(threads) && threads >= 1 && threads <= MAX_THREADS)) {
    throw new Error(`option threads: ${JSON.stringify(threads)} is not a whole number from 1 to ${MAX_THREADS}`);
  }
  const threaded = threadsAvailable();
  const cores = Math.max(1, Math.min(navigator.hardwareConcurrency || 1, MAX_THREADS));
  return { threaded, threads: threaded ? (threads ?? cores) : 1 };
}

/**
 * A headless simulation in a Web Worker. Make one with
 * `await Simulation.create(options)` or `await Simulation.load(bytes)`.
 */
export class Simulation {
  #worker;
  #calls = new Map();
  #next = 1;
  #figures = { tick: 0, population: 0, threads: 1, gene_names: [] };
  #dead = null;

  constructor(token) {
    if (token !== PRIVATE) throw new Error('use Simulation.create(options) or Simulation.load(bytes)');
  }

  /** A new simulation: the world `evosim run` makes from the same options. */
  static async create(options = {}) {
    return Simulation.#open(options?.threads, { call: 'create', options });
  }

  /** A simulation resumed from `save()`'s bytes (`options.threads` as for create). */
  static async load(bytes, options = {}) {
    if (!(bytes instanceof Uint8Array)) throw new Error('Simulation.load(bytes): bytes must be a Uint8Array');
    return Simulation.#open(options?.threads, { call: 'load', bytes });
  }

  static async #open(threads, first) {
    const pool = poolSize(threads);
    const sim = new Simulation(PRIVATE);
    const w = new Worker(new URL('./sim-worker.js', import.meta.url), { type: 'module' });
    sim.#worker = w;
    w.onmessage = (e) => sim.#answer(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      sim.#die(e.message || 'the simulation\'s worker failed');
    };
    try {
      await sim.#call({ load: pool });
      sim.#figures = await sim.#call({ call: first });
    } catch (e) {
      sim.free();
      throw e;
    }
    return sim;
  }

  #call(request, transfer = []) {
    if (this.#dead) return Promise.reject(new Error(this.#dead));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#calls.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...request }, transfer);
    });
  }

  #answer(m) {
    if (m.type === 'panic' || m.type === 'fatal') {
      this.#die(m.text);
      return;
    }
    const call = this.#calls.get(m.id);
    if (!call) return;
    this.#calls.delete(m.id);
    if ('error' in m) call.reject(new Error(m.error));
    else call.resolve(m.value);
  }

  #die(why) {
    this.#dead = `the simulation's worker died: ${why}`;
    this.#worker?.terminate();
    for (const { reject } of this.#calls.values()) reject(new Error(this.#dead));
    this.#calls.clear();
  }

  /** @param {SimCall['call']} call */
  async #figure(call) {
    return this.#call({ call: /** @type {SimCall} */ ({ call }) });
  }

  /** Ticks run (as of the last call that ran or made the world). */
  get tick() { return this.#figures.tick; }

  /** Living creatures (as of the last call that ran or made the world). */
  get population() { return this.#figures.population; }

  /** Threads of the CPU passes. */
  get threads() { return this.#figures.threads; }

  /** The gene names, in the order of `genes()`'s columns. */
  get geneNames() { return this.#figures.gene_names; }

  /** Runs `n` ticks (default 1). */
  async step(n = 1) {
    this.#figures = await this.#call({ call: { call: 'step', n } });
  }

  /** The state hash: 16 hex digits, as `evosim run` prints it. */
  stateHash() { return this.#figure('stateHash'); }

  /** The world's numbers (`evosim run --json`'s). */
  stats() { return this.#figure('stats'); }

  /** x, y per living creature (slot order): a new Float32Array of 2N. */
  positions() { return this.#figure('positions'); }

  /** Velocity x, y per living creature: a new Float32Array of 2N. */
  velocities() { return this.#figure('velocities'); }

  /** Energy per living creature: a new Float32Array of N. */
  energy() { return this.#figure('energy'); }

  /** Nine genes per living creature (GENES order): a new Float32Array of 9N. */
  genes() { return this.#figure('genes'); }

  /** Tribe index per living creature: a new Uint16Array of N. */
  tribes() { return this.#figure('tribes'); }

  /** Species id per living creature: a new Uint32Array of N. */
  species() { return this.#figure('species'); }

  /** The whole state as snapshot bytes (`Simulation.load` resumes it bit for bit). */
  save() { return this.#figure('save'); }

  /** Ends the worker and frees its memory; later calls reject. */
  free() {
    if (!this.#dead) this.#die('free() was called');
    this.#dead = 'the simulation was freed (free() was called)';
  }
}

const PRIVATE = Symbol('evosim');

/**
 * Mounts the viewer on `canvas` (which the page owns and sizes with CSS):
 * WebGPU, else WebGL2, else a 2D canvas. Returns its handle. A canvas
 * hands its drawing to a worker once: mounting a canvas that was mounted
 * before replaces it in the page with a fresh copy (`handle.canvas`).
 */
export function mountViewer(canvas, options = {}) {
  if (!(canvas instanceof HTMLCanvasElement)) throw new Error('mountViewer(canvas): canvas must be a <canvas> element');
  if (typeof OffscreenCanvas !== 'function' || !canvas.transferControlToOffscreen) {
    throw new Error('this browser cannot hand a canvas to a worker (no OffscreenCanvas): evosim cannot run here');
  }
  return new Viewer(canvas, options);
}

const mounted = new WeakSet();

class Viewer {
  #options;
  #pool;
  #canvas;
  #worker = null;
  #generation = 0;
  #last;
  #restarts = 0;
  #restartNote = null;
  #recovering = null;
  #checkpoint = null;
  #listeners = { tick: new Set(), mode: new Set(), error: new Set(), notice: new Set(), restart: new Set(), stats: new Set() };
  #detach = [];
  #destroyed = false;

  constructor(canvas, options) {
    this.#options = options ?? {};
    this.#pool = poolSize(this.#options.threads);
    this.#canvas = canvas;
    this.#last = {
      mode: 'loading', tick: 0, population: 0, backend: '', adapter: null, state_hash: null, species_hash: null,
      message: null, tick_ms: 0, transfer_ms: 0, resolve_ms: 0, passes_ms: {}, threads: this.#pool.threads,
      memory_mb: 0, isolated: globalThis.crossOriginIsolated === true, isolation: isolation(), restarts: 0, restart: null,
    };
    this.#start(null);
  }

  /** The canvas drawn into (a fresh copy after a crash or a second mount). */
  get canvas() { return this.#canvas; }

  /** Pauses the simulation. */
  pause() { this.#send({ type: 'pause' }); }

  /** Resumes it. */
  resume() { this.#send({ type: 'resume' }); }

  /** Ticks per frame: 0.25, 0.5, 1, 2, 4, 8 or 16 (else an `error` event). */
  setSpeed(speed) { this.#send({ type: 'set_speed', speed }); }

  /** Runs `ticks` ticks (default 1) while paused. */
  step(ticks = 1) { this.#send({ type: 'step', ticks }); }

  /** The last status. */
  status() {
    return { ...this.#last, restarts: this.#restarts, restart: this.#restartNote };
  }

  /** Calls `callback` on each `event`; returns a function that stops it. */
  on(event, callback) {
    const set = this.#listeners[event];
    if (!set) throw new Error(`on(${JSON.stringify(event)}): one of ${Object.keys(this.#listeners).join(', ')}`);
    set.add(callback);
    return () => set.delete(callback);
  }

  /** Ends the viewer's workers and frees their memory; the canvas stays. */
  destroy() {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.#stop();
    for (const undo of this.#detach.splice(0)) undo();
    this.#last = { ...this.#last, mode: 'destroyed' };
    this.#emit('mode', this.status());
    for (const set of Object.values(this.#listeners)) set.clear();
  }

  #emit(event, value) {
    for (const f of this.#listeners[event]) {
      try {
        f(value);
      } catch (e) {
        console.error(e);
      }
    }
  }

  #error(text) {
    console.error(`evosim: ${text}`);
    this.#emit('error', new Error(text));
  }

  /** @param {ToWorker} m @param {Transferable[]} [transfer] */
  #send(m, transfer) {
    if (this.#worker) this.#worker.postMessage(m, transfer ?? []);
  }

  #stop() {
    this.#worker?.terminate();
    this.#worker = null;
    this.#generation += 1; // later messages of the old worker are ignored
  }

  /** A canvas that can still hand over its drawing. */
  #freshCanvas() {
    if (!mounted.has(this.#canvas)) return this.#canvas;
    const c = this.#canvas.cloneNode(false);
    this.#canvas.replaceWith(c);
    this.#canvas = c;
    return c;
  }

  #size() {
    const c = this.#canvas;
    const ratio = Math.min(Math.max(globalThis.devicePixelRatio || 1, 0.5), 4);
    return {
      width: Math.max(1, Math.round(c.clientWidth * ratio)),
      height: Math.max(1, Math.round(c.clientHeight * ratio)),
      ratio,
    };
  }

  /** Forwards the canvas's pointer, wheel, key events and size to the worker. */
  #listen(c) {
    for (const undo of this.#detach.splice(0)) undo();
    const on = (target, name, f, opts) => {
      target.addEventListener(name, f, opts);
      this.#detach.push(() => target.removeEventListener(name, f, opts));
    };
    const mods = (e) => ({ alt: e.altKey, ctrl: e.ctrlKey, shift: e.shiftKey, meta: e.metaKey });
    for (const kind of /** @type {const} */ (['move', 'down', 'up', 'leave'])) {
      on(c, `pointer${kind}`, (e) => {
        if (kind === 'down') c.setPointerCapture(e.pointerId);
        this.#send({ type: 'pointer', kind, x: e.offsetX, y: e.offsetY, button: e.button, ...mods(e) });
      });
    }
    on(c, 'contextmenu', (e) => e.preventDefault());
    on(c, 'wheel', (e) => {
      e.preventDefault();
      this.#send({ type: 'wheel', x: e.offsetX, y: e.offsetY, dx: e.deltaX, dy: e.deltaY, mode: e.deltaMode, ...mods(e) });
    }, { passive: false });
    if (c.tabIndex < 0) c.tabIndex = 0;
    for (const pressed of [true, false]) {
      on(c, pressed ? 'keydown' : 'keyup', (e) => this.#send({ type: 'key', pressed, key: e.key, repeat: e.repeat, ...mods(e) }));
    }
    const resized = new ResizeObserver(() => this.#send({ type: 'resize', ...this.#size() }));
    resized.observe(c);
    this.#detach.push(() => resized.disconnect());
  }

  #start(resume) {
    const c = this.#freshCanvas();
    mounted.add(c);
    this.#listen(c);
    const canvas = c.transferControlToOffscreen();
    const gen = ++this.#generation;
    const w = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
    w.onmessage = (e) => gen === this.#generation && this.#message(e.data);
    w.onerror = (e) => {
      e.preventDefault();
      if (gen === this.#generation) this.#crashed(e.message || 'the worker failed');
    };
    this.#worker = w;
    this.#send({
      type: 'start',
      canvas,
      options: this.#options,
      threaded: this.#pool.threaded,
      threads: this.#pool.threads,
      ...this.#size(),
      resume: resume?.bytes ?? null,
      resume_to: resume?.to ?? null,
      restarts: this.#restarts,
    }, [canvas]);
  }

  /** @param {FromWorker} m */
  #message(m) {
    switch (m.type) {
      case 'status': {
        const { type, ...status } = m;
        const before = this.#last;
        this.#last = { ...status, isolation: this.#last.isolation };
        if (this.#recovering && m.tick >= this.#recovering.to) {
          this.#restartNote = `The simulation worker crashed at tick ${this.#recovering.to} (${this.#recovering.why}); `
            + `restarted from the checkpoint of tick ${this.#recovering.from} and recomputed to tick ${this.#recovering.to}.`;
          this.#emit('restart', this.#restartNote);
          this.#recovering = null;
        }
        if (status.mode !== before.mode) this.#emit('mode', this.status());
        if (status.tick !== before.tick) this.#emit('tick', this.status());
        break;
      }
      case 'checkpoint':
        this.#checkpoint = { tick: m.tick, bytes: m.bytes };
        break;
      case 'notice':
        this.#emit('notice', m.text);
        break;
      case 'error':
        this.#error(m.text);
        break;
      case 'stats':
        this.#emit('stats', m.text);
        break;
      case 'cursor':
        this.#canvas.style.cursor = m.value;
        break;
      case 'failed':
        this.#fail(m.text);
        break;
      case 'panic':
      case 'fatal':
        this.#crashed(m.text);
        break;
      default:
        console.warn(`evosim: unknown message from the viewer's worker: ${/** @type {{ type: string }} */ (m).type}`);
    }
  }

  #fail(text) {
    const before = this.#last.mode;
    this.#last = { ...this.#last, mode: 'failed', message: text };
    this.#error(text);
    if (before !== 'failed') this.#emit('mode', this.status());
  }

  /** The worker died (a panic aborts its wasm instance): a fresh one from the last checkpoint. */
  #crashed(why) {
    const at = this.#last.tick;
    this.#stop();
    const mb = this.#last.memory_mb ?? 0;
    if (mb > 0.85 * MEMORY_MAX_MB || /memory|allocation/i.test(why)) {
      this.#fail(`The simulation ran out of memory at tick ${at} (wasm memory ${Math.round(mb)} MB `
        + `of at most ${MEMORY_MAX_MB} MB): try fewer entities. (${why})`);
      return;
    }
    if (this.#last.mode === 'starting' || this.#last.mode === 'loading') {
      this.#fail(`evosim could not start: ${why}`);
      return;
    }
    if (this.#restarts >= MAX_RESTARTS) {
      this.#fail(`The simulation worker crashed ${this.#restarts + 1} times; not restarting it again. Last: ${why}`);
      return;
    }
    this.#restarts += 1;
    const from = this.#checkpoint?.tick ?? 0;
    this.#recovering = { to: at, from, why };
    this.#restartNote = `The simulation worker crashed at tick ${at} (${why}); restarting it from the checkpoint `
      + `of tick ${from} and recomputing to tick ${at}…`;
    console.warn(this.#restartNote);
    this.#emit('restart', this.#restartNote);
    this.#last = { ...this.#last, mode: 'restarting' };
    this.#emit('mode', this.status());
    this.#start({ bytes: this.#checkpoint?.bytes ?? null, to: at });
  }
}

/** How this page is cross-origin isolated: by its server's headers, or by
 * a service worker that adds them; null where it is not. */
function isolation() {
  if (globalThis.crossOriginIsolated !== true) return null;
  return navigator.serviceWorker?.controller ? 'service-worker' : 'headers';
}
