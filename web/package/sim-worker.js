// A headless simulation's worker (started by evosim.js's Simulation): the
// first message `{id, load: {threaded, threads}}` loads the wasm build and
// sizes rayon's pool; each later `{id, call}` (a SimCall of
// web/src/protocol.rs) runs in evosim and is answered `{id, value}` or
// `{id, error}` (the message of the Error evosim threw). Typed arrays and
// snapshot bytes are transferred, not copied.
// @ts-check

/** @type {typeof import('./single/evosim_web.js') | null} */
let wasm = null;

/** @type {(text: unknown) => void} */
const fatal = (text) => self.postMessage(
  /** @type {import('./single/evosim_web.js').FromWorker} */ ({ type: 'fatal', text: String(text) }));
self.addEventListener('error', (ev) => fatal(ev.message));
self.addEventListener('unhandledrejection', (ev) => fatal(ev.reason));

self.onmessage = async ({ data: { id, load, call } }) => {
  try {
    if (load) {
      const mod = await import(load.threaded ? './threads/evosim_web.js' : './single/evosim_web.js');
      await mod.default();
      if (load.threaded) await mod.initThreadPool(load.threads);
      wasm = mod;
      self.postMessage({ id, value: null });
      return;
    }
    /** @type {import('./single/evosim_web.js').SimCall} */
    const request = call;
    const value = wasm.simCall(request);
    const transfer = ArrayBuffer.isView(value) ? [value.buffer] : [];
    self.postMessage({ id, value }, transfer);
  } catch (err) {
    self.postMessage({ id, error: String(err?.message ?? err) });
  }
};

export {}; // a module worker
