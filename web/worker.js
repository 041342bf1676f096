// The simulation's worker: loads the wasm module (the threaded build when the
// page is cross-origin isolated, the single-threaded one otherwise), starts
// rayon's pool of Web Workers in the threaded build, and hands the canvas and
// the page's configuration to evosim. Afterwards it passes the page's
// messages (input, resize) to evosim. Errors go to the page, which restarts
// the worker from its last checkpoint (see bootstrap.js).
let wasm = null;
const early = [];

function fatal(text) {
  self.postMessage({ type: 'fatal', text: String(text) });
}

self.addEventListener('error', (ev) => fatal(ev.message));
self.addEventListener('unhandledrejection', (ev) => fatal(ev.reason));

self.onmessage = async (e) => {
  const m = e.data;
  if (m.type !== 'start') {
    if (wasm) wasm.message(m);
    else early.push(m);
    return;
  }
  let mod;
  try {
    mod = await import(m.threaded ? './pkg-threads/evosim_web.js' : './pkg-single/evosim_web.js');
    await mod.default();
    if (m.threaded) await mod.initThreadPool(m.threads);
  } catch (err) {
    self.postMessage({ type: 'failed', text: `evosim could not start: ${err}` });
    return;
  }
  wasm = mod;
  mod.start(m.canvas, m);
  for (const x of early.splice(0)) mod.message(x);
};
