// A viewer's worker (started by evosim.js's mountViewer): loads the wasm
// (the threaded build when the page is cross-origin isolated, else the
// single-threaded one), starts rayon's pool of Web Workers in the threaded
// build, and hands the start message (the canvas, the options: a ToWorker
// of web/src/protocol.rs) to evosim. Later messages (input, resize,
// controls) go to evosim as they come. Errors go to the page, which
// restarts the worker from its last checkpoint.
// @ts-check

/** @typedef {import('./single/evosim_web.js').FromWorker} FromWorker */
/** @typedef {import('./single/evosim_web.js').ToWorker} ToWorker */

/** @type {typeof import('./single/evosim_web.js') | null} */
let wasm = null;
/** @type {ToWorker[]} */
const early = [];

/** @param {FromWorker} m */
const post = (m) => self.postMessage(m);
const fatal = (text) => post({ type: 'fatal', text: String(text) });
self.addEventListener('error', (ev) => fatal(ev.message));
self.addEventListener('unhandledrejection', (ev) => fatal(ev.reason));

self.onmessage = async (e) => {
  /** @type {ToWorker} */
  const m = e.data;
  if (m.type !== 'start') {
    if (wasm) wasm.message(m);
    else early.push(m);
    return;
  }
  let mod;
  try {
    mod = await import(m.threaded ? './threads/evosim_web.js' : './single/evosim_web.js');
    await mod.default();
    if (m.threaded) await mod.initThreadPool(m.threads);
  } catch (err) {
    post({ type: 'failed', text: `evosim could not start: ${err}` });
    return;
  }
  wasm = mod;
  mod.start(m);
  for (const x of early.splice(0)) mod.message(x);
};

export {}; // a module worker
