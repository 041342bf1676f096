// Loads the simulation (pkg/ is written by scripts/build-web.sh) and
// exposes window.evosim.status() for tests: {mode, tick, population,
// backend, adapter, state_hash, message}. Errors are shown on the page.
import init, { status } from './pkg/evosim_web.js';

function show(text) {
  const e = document.getElementById('error');
  e.textContent += (e.textContent ? '\n' : '') + text;
  e.hidden = false;
  console.error(text);
}

let started = false;
window.evosim = {
  status() {
    if (!started) return { mode: 'loading', tick: 0, population: 0 };
    try {
      return status();
    } catch (e) {
      // After a panic the module refuses calls: say so instead of throwing.
      return { mode: 'failed', tick: 0, population: 0, message: String(e) };
    }
  },
};

window.addEventListener('error', (ev) => show(`error: ${ev.message}`));
window.addEventListener('unhandledrejection', (ev) => show(`error: ${ev.reason}`));

if (typeof WebAssembly !== 'object') {
  show('This browser has no WebAssembly: evosim cannot run here.');
} else {
  init()
    .then(() => { started = true; })
    .catch((e) => show(`evosim could not start: ${e}`));
}
