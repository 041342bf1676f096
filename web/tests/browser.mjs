// The browser demo in Debian's Chromium, headless, driven by playwright-core
// (no browser is downloaded). Run by tests/web.rs after scripts/build-web.sh;
// by hand:
//
//   WEB_ROOT=target/web EVOSIM_BIN=target/release/evosim node web/tests/browser.mjs
//
// (WEB_ONLY=package runs section 9 alone.)
//
// The simulation and its drawing run in a Web Worker (worker.js), rayon's
// pool on further Web Workers when the page is cross-origin isolated.
//
// 1. WebGPU presenting from the worker to its OffscreenCanvas (Chromium
//    with --enable-unsafe-webgpu and SwiftShader's Vulkan, the flags of
//    ../shared/TOOLCHAIN.md): the GPU backend runs, the canvas shows a picture.
// 2. WebGPU without those flags presents with present=copy; backend=auto on
//    SwiftShader (a software renderer) runs the viewer's CPU backend, says
//    why, and with threads=2 stops at tick 300 with the native state hash;
//    with fault=worker_panic@400 its worker is restarted from the checkpoint
//    of tick 300 and reaches the native hash at tick 500.
// 3. No WebGPU (Chromium without flags has WebGL2: ANGLE on SwiftShader):
//    the viewer with its panels drawn through wgpu's WebGL2 backend, the CPU
//    backend, threads=2: the page reports mode webgl2, threads 2 and
//    isolated, and its hash at tick 300 equals `evosim run --backend cpu`;
//    threads=1 equals too; the screenshot shows the panels and the world in
//    the native viewer's colours.
// 4. Served without COOP/COEP headers (the site of build-web.sh --site from
//    `python3 -m http.server`): the page registers its service worker and
//    reloads once, then is cross-origin isolated on 2 threads, same hash.
//    Without service workers: one thread, the page says why, same hash.
// 5. fault=worker_panic@400: the worker dies, the page restarts it from the
//    checkpoint of tick 300, says so, and the hash at tick 500 is the native one.
// 6. A bad threads value is an error naming the parameter.
// 8. Neither WebGPU nor WebGL2 (--disable-gpu --disable-software-rasterizer):
//    the CPU backend on a 2D canvas (mode canvas2d), the page says so, same
//    hash.
// 7. present=canvas and present=copy draw the world in the native viewer's
//    colours (mean colour of the world area within a small tolerance of a
//    native `evosim view --screenshot` of the same world).
// 9. The package (pkg/evosim.js): the embed example's headless Simulation
//    reaches the native state hash on 1 and 2 threads; mountViewer →
//    destroy five times leaves no worker running, and the wasm memory and
//    the JS heap of each mount are within 10% of the first's; the
//    handle's pause, step and resume steer the viewer; `tsc --noEmit`
//    passes on examples/embed.ts against the generated declarations and
//    fails on a copy with a misspelled option.
import { execFileSync, spawnSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { serve } from '../serve.mjs';
import { launch } from './chromium.mjs';

const ROOT = process.env.WEB_ROOT ?? 'target/web';
const BIN = process.env.EVOSIM_BIN ?? 'target/release/evosim';
const SHOTS = process.env.WEB_SHOTS ?? join(ROOT, 'shots');
const TIMEOUT = Number(process.env.WEB_TIMEOUT_MS ?? 300_000);

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

/** The state hash `evosim run` prints for these parameters. */
function nativeHash(entities, seed, ticks) {
  const out = execFileSync(
    BIN,
    ['run', '--backend', 'cpu', '--entities', String(entities), '--seed', String(seed),
      '--ticks', String(ticks), '--quiet'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const m = out.match(/state_hash ([0-9a-f]{16})/);
  const sp = out.match(/species_hash ([0-9a-f]{16})/);
  if (!m || !sp) throw new Error(`no state_hash or species_hash in the output of ${BIN} run:\n${out}`);
  return { state: m[1], species: sp[1] };
}

/** Share of non-dark pixels and number of distinct (quantised) colours. */
function picture(png) {
  const img = PNG.sync.read(png);
  const colours = new Set();
  let lit = 0;
  for (let i = 0; i < img.data.length; i += 4) {
    const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
    if (r + g + b > 60) lit += 1;
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
  }
  return { lit: lit / (img.width * img.height), colours: colours.size, size: [img.width, img.height] };
}

/** Mean colour [r, g, b] of the world area: the right part of the picture,
 * beside the egui panel on the left. */
function worldColour(png) {
  const img = PNG.sync.read(png);
  const x0 = Math.floor(img.width * 0.62);
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = 0; y < img.height; y += 1) {
    for (let x = x0; x < img.width; x += 1) {
      const i = (y * img.width + x) * 4;
      for (let c = 0; c < 3; c += 1) sum[c] += img.data[i + c];
      n += 1;
    }
  }
  return sum.map((s) => s / n);
}

/** The native viewer's screenshot of the same world near the same tick
 * (offscreen, on the machine's GPU adapter: lavapipe in CI). */
function nativeShot(entities, seed, path) {
  execFileSync(
    BIN,
    ['view', '--screenshot', path, '--size', '1100x720', '--backend', 'cpu', '--entities', String(entities),
      '--seed', String(seed), '--speed', '4', '--frames', '75'],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return readFileSync(path);
}

const COLOUR_TOLERANCE = 12;
const colourText = (c) => `rgb(${c.map((v) => v.toFixed(0)).join(', ')})`;
const shots = new Map();
/** Records a mode's world colour (compared in compareColours). */
function colours(mode, png) {
  shots.set(mode, worldColour(png));
}

/** Each of `modes` drew the world in the native viewer's colours. */
function compareColours(modes) {
  const want = shots.get('native');
  for (const m of modes) {
    const got = shots.get(m);
    if (!want || !got) {
      check(false, `${m}: no screenshot to compare with the native viewer's colours`);
      continue;
    }
    const off = Math.max(...got.map((v, c) => Math.abs(v - want[c])));
    check(off <= COLOUR_TOLERANCE,
      `${m} draws the world in the native viewer's colours: ${colourText(got)} vs ${colourText(want)} (off by ${off.toFixed(1)})`);
  }
}

/** Whether the egui panels are drawn: the left part of the picture is mostly
 * the panel's flat dark grey, with light text on it. */
function panels(png) {
  const img = PNG.sync.read(png);
  const x1 = Math.floor(img.width * 0.38);
  let grey = 0;
  let text = 0;
  let n = 0;
  for (let y = 0; y < img.height; y += 1) {
    for (let x = 0; x < x1; x += 1) {
      const i = (y * img.width + x) * 4;
      const [r, g, b] = [img.data[i], img.data[i + 1], img.data[i + 2]];
      const flat = Math.abs(r - g) < 6 && Math.abs(g - b) < 6;
      if (flat && r >= 15 && r <= 45) grey += 1;
      if (flat && r >= 140) text += 1;
      n += 1;
    }
  }
  return { grey: grey / n, text: text / n };
}

/** The notice bar (shown) ends where the canvas begins, at the test's window
 *  size and at 1400×860: the viewer's panels, drawn in the canvas, are never
 *  under a notice. The window is put back after. */
async function noticeClear(page, label) {
  const size = page.viewportSize();
  for (const [width, height] of [[size.width, size.height], [1400, 860]]) {
    await page.setViewportSize({ width, height });
    const [notice, canvas] = await Promise.all([
      page.locator('#notice').boundingBox(), page.locator('#evosim').boundingBox()]);
    check(notice !== null && canvas !== null && notice.height > 0
      && notice.y + notice.height <= canvas.y + 0.5 && canvas.y + canvas.height <= height + 0.5,
      `${label} at ${width}×${height}: the notice (y ${notice?.y} to ${notice && notice.y + notice.height}) ` +
      `ends above the canvas (y ${canvas?.y} to ${canvas && canvas.y + canvas.height})`);
  }
  await page.setViewportSize(size);
}

async function visit(browser, url, done, label, options = {}) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 }, ...options });
  let loads = 0;
  page.on('load', () => { loads += 1; });
  const logs = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => logs.push(`[pageerror] ${e.message}`));
  await page.goto(url);
  const start = Date.now();
  let status;
  try {
    await page.waitForFunction(done, null, { timeout: TIMEOUT, polling: 250 });
  } finally {
    status = await page.evaluate(() => window.evosim?.status());
    console.log(`${label}: ${JSON.stringify(status)} after ${((Date.now() - start) / 1000).toFixed(1)} s`);
    const errors = logs.filter((l) => /error|panic/i.test(l));
    if (errors.length) console.log(`${label}: console:\n  ${errors.slice(0, 20).join('\n  ')}`);
  }
  return { page, status, logs, loads };
}

/** `python3 -m http.server` serving `dir` on a free port: the process and its base URL. */
async function pythonServer(dir) {
  const { createServer } = await import('node:net');
  const port = await new Promise((ok) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => ok(port));
    });
  });
  const child = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', dir],
    { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}/`;
  for (let k = 0; k < 100; k++) {
    if (await fetch(base).then((r) => r.ok, () => false)) return { child, base };
    await new Promise((ok) => setTimeout(ok, 100));
  }
  child.kill();
  throw new Error(`python3 -m http.server did not answer on ${base}`);
}

/** 9: the package's API, in a page of its own (examples/). */
async function packageChecks(browser, want) {
  for (const threads of [1, 2]) {
    const { page } = await visit(browser,
      `${base}examples/embed.html?viewer=0&entities=1500&seed=11&ticks=300&threads=${threads}`,
      () => !!window.embed?.result, `embed: headless, threads=${threads}`);
    const r = await page.evaluate(() => window.embed.result);
    check(r.error === undefined && r.hash === want && r.tick === 300 && r.threads === threads,
      `embed.html's headless Simulation on ${threads} thread(s): ${r.hash ?? r.error} at tick ${r.tick}, native ${want}`);
    check(r.stats?.state_hash === want && r.stats?.population === r.population && r.energyCount === r.population,
      `its stats() and energy() agree: population ${r.stats?.population}, ${r.energyCount} energies`);
    await page.close();
  }

  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  const logs = [];
  page.on('console', (m) => logs.push(`[${m.type()}] ${m.text()}`));
  await page.goto(`${base}examples/`);
  const cdp = await page.context().newCDPSession(page);
  const heap = async () => {
    await cdp.send('HeapProfiler.collectGarbage');
    return (await cdp.send('Runtime.getHeapUsage')).usedSize;
  };
  await page.evaluate(async () => {
    window.pkg = await import('/pkg/evosim.js');
    const c = document.createElement('canvas');
    c.style.cssText = 'width: 800px; height: 500px';
    document.body.append(c);
    window.canvas = c;
  });
  // Errors are Errors with evosim's message; save → load resumes bit for bit.
  const errors = await page.evaluate(async () => {
    const { Simulation, mountViewer } = window.pkg;
    const message = (p) => p.then(() => 'no error', (e) => (e instanceof Error ? e.message : `not an Error: ${e}`));
    const sim = await Simulation.create({ entities: 300, seed: 3 });
    await sim.step(20);
    const bytes = await sim.save();
    const hash = await sim.stateHash();
    const again = await Simulation.load(bytes);
    const text = await (await fetch('/scenarios/default.toml')).text();
    const hashOf = async (options) => {
      const s = await Simulation.create(options);
      await s.step(20);
      const h = await s.stateHash();
      s.free();
      return h;
    };
    const table = { name: 'one tribe', seed: 5, tribes: [{ name: 'Grazers', color: '#7ed957', count: 200 }] };
    const tableText = 'name = "one tribe"\nseed = 5\n[[tribes]]\nname = "Grazers"\ncolor = "#7ed957"\ncount = 200\n';
    const out = {
      fromText: await hashOf({ scenario: text, entities: 300, seed: 3 }),
      asTable: [await hashOf({ scenario: table }), await hashOf({ scenario: tableText })],
      typo: await message(Simulation.create({ entites: 5 })),
      scenario: await message(Simulation.create({ scenario: text.replace(/^width = .*$/m, 'width = -100') })),
      entities: await message(Simulation.create({ entities: 'lots' })),
      threads: await message(Simulation.create({ threads: 0 })),
      garbage: await message(Simulation.load(new Uint8Array([1, 2, 3]))),
      negative: await message(sim.step(-1)),
      loaded: [hash, await again.stateHash(), again.tick, sim.tick],
    };
    sim.free();
    again.free();
    out.freed = await message(sim.stateHash());
    const c = document.createElement('canvas');
    document.body.append(c);
    const v = mountViewer(c, { speed: 3 });
    out.viewer = await new Promise((ok) => v.on('error', (e) => ok([e.message, v.status().mode])));
    v.destroy();
    return out;
  });
  console.log(`errors: ${JSON.stringify(errors)}`);
  check(/unknown field `entites`/.test(errors.typo), `a misspelled option is an Error naming it: "${errors.typo}"`);
  check(/world\.width/.test(errors.scenario), `a bad scenario value is named: "${errors.scenario}"`);
  check(/option entities/.test(errors.entities) && /option threads/.test(errors.threads),
    `bad entities and threads are named: "${errors.entities}", "${errors.threads}"`);
  check(/snapshot/.test(errors.garbage) && /step\(-1\)/.test(errors.negative) && /freed/.test(errors.freed),
    `a damaged snapshot, step(-1), a freed simulation: "${errors.garbage}", "${errors.negative}", "${errors.freed}"`);
  check(errors.loaded[0] === errors.loaded[1] && errors.loaded[2] === 20 && errors.loaded[3] === 20,
    `save → Simulation.load: ${errors.loaded.join(', ')}`);
  check(errors.asTable[0] === errors.asTable[1],
    `a scenario as an object and as TOML text give one world: ${errors.asTable.join(', ')}`);
  check(errors.fromText === errors.loaded[0],
    `the default scenario as TOML text gives the default's world: ${errors.fromText}, ${errors.loaded[0]}`);
  check(/option speed/.test(errors.viewer[0]) && errors.viewer[1] === 'failed',
    `mountViewer with a bad speed: an error event "${errors.viewer[0]}", mode ${errors.viewer[1]}`);

  // The handle's controls: started paused, step(5) runs 5 ticks, resume
  // runs on, pause holds.
  const tickOf = () => page.evaluate(() => window.steer.status().tick);
  const settle = () => new Promise((ok) => setTimeout(ok, 1500));
  await page.evaluate(() => {
    const c = document.createElement('canvas');
    c.style.cssText = 'width: 400px; height: 300px';
    document.body.append(c);
    window.steer = window.pkg.mountViewer(c, { entities: 1500, seed: 11, paused: true, threads: 2 });
    window.modes = [];
    window.steer.on('mode', (s) => window.modes.push(s.mode));
  });
  await page.waitForFunction(() => ['webgl2', 'failed'].includes(window.steer.status().mode), null,
    { timeout: TIMEOUT });
  await settle();
  const held = await tickOf();
  await page.evaluate(() => window.steer.step(5));
  await settle();
  const stepped = await tickOf();
  await page.evaluate(() => { window.steer.setSpeed(16); window.steer.resume(); });
  await settle();
  const resumed = await tickOf();
  await page.evaluate(() => window.steer.pause());
  await settle();
  const paused = await tickOf();
  await settle();
  const still = await tickOf();
  check(held === 0 && stepped === 5 && resumed > 5 && still === paused,
    `paused: tick ${held}; step(5): ${stepped}; setSpeed(16), resume(): ${resumed}; pause(): ${paused}, then ${still}`);
  const modes = await page.evaluate(() => { window.steer.destroy(); return window.modes; });
  check(modes.join(',') === 'webgl2,destroyed', `the mode events: ${modes.join(', ')}`);
  for (let t = 0; t < 50 && page.workers().length > 0; t++) await new Promise((ok) => setTimeout(ok, 100));

  const rounds = [];
  for (let k = 0; k < 5; k++) {
    await page.evaluate(() => {
      window.viewer = window.pkg.mountViewer(window.canvas,
        { entities: 1500, seed: 11, ticks: 100, speed: 16, threads: 2 });
      window.canvas = window.viewer.canvas;
    });
    await page.waitForFunction(() => {
      const s = window.viewer.status();
      return s.mode === 'failed' || (s.tick >= 100 && !!s.state_hash);
    }, null, { timeout: TIMEOUT, polling: 250 });
    const s = await page.evaluate(() => window.viewer.status());
    const mounted = { wasm: s.memory_mb, heap: await heap(), workers: page.workers().length, hash: s.state_hash };
    await page.evaluate(() => window.viewer.destroy());
    for (let t = 0; t < 50 && page.workers().length > 0; t++) await new Promise((ok) => setTimeout(ok, 100));
    rounds.push({ ...mounted, after: page.workers().length, heapAfter: await heap() });
  }
  console.log(`mount → destroy: ${JSON.stringify(rounds)}`);
  const first = rounds[0];
  check(rounds.every((r) => r.hash === nativeHash100()),
    `each mount reaches the native hash at tick 100: ${rounds.map((r) => r.hash).join(', ')}`);
  check(first.workers >= 1 && rounds.every((r) => r.after === 0),
    `mount → destroy ×5: ${rounds.map((r) => `${r.workers} workers → ${r.after}`).join(', ')}`);
  const within = (a, b) => Math.abs(a - b) <= 0.1 * b;
  check(rounds.every((r) => within(r.wasm, first.wasm)),
    `wasm memory of each mount within 10% of the first: ${rounds.map((r) => r.wasm.toFixed(1)).join(', ')} MB`);
  check(rounds.every((r) => within(r.heap, first.heap)),
    `JS heap of each mount within 10% of the first: ${rounds.map((r) => (r.heap / 1e6).toFixed(2)).join(', ')} MB`);
  check(rounds.every((r) => within(r.heapAfter, first.heapAfter)),
    `JS heap after each destroy within 10% of the first: ${rounds.map((r) => (r.heapAfter / 1e6).toFixed(2)).join(', ')} MB`);
  const logged = logs.filter((l) => /error|panic/i.test(l));
  if (logged.length) console.log(`package page: console:\n  ${logged.slice(0, 10).join('\n  ')}`);
  await page.close();

  // The declarations: embed.ts type-checks; a misspelled option does not.
  const tsc = resolve('web/tests/node_modules/typescript/bin/tsc');
  const ok = spawnSync('node', [tsc, '-p', 'web/examples/tsconfig.json'], { encoding: 'utf8' });
  check(ok.status === 0, `tsc --noEmit on examples/embed.ts: exit ${ok.status} ${ok.stdout}${ok.stderr}`);
  const dir = join(ROOT, 'tsc-negative');
  mkdirSync(dir, { recursive: true });
  const source = readFileSync('web/examples/embed.ts', 'utf8');
  const bad = source.replace('{ entities: 2000, seed: 7,', '{ entites: 2000, seed: 7,');
  writeFileSync(join(dir, 'embed.ts'), bad);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: resolve('web/examples/tsconfig.json'), files: ['embed.ts'],
  }));
  const no = spawnSync('node', [tsc, '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  check(bad !== source && no.status !== 0 && /entites/.test(no.stdout),
    `a misspelled option fails tsc: exit ${no.status}: ${no.stdout.trim().split('\n')[0]}`);

  // The package's own JavaScript against the protocol's types (checkJs):
  // the page side with the DOM, the workers with the worker globals; a
  // message type that is not in the protocol fails.
  const flags = ['--noEmit', '--allowJs', '--checkJs', '--target', 'es2022', '--module', 'es2022',
    '--moduleResolution', 'bundler'];
  const js = (lib, files) => spawnSync('node', [tsc, ...flags, '--lib', lib, ...files], { encoding: 'utf8' });
  const pageJs = js('es2022,dom', [join(ROOT, 'pkg/evosim.js'), join(ROOT, 'demo.js')]);
  const workers = js('es2022,webworker', [join(ROOT, 'pkg/worker.js'), join(ROOT, 'pkg/sim-worker.js')]);
  check(pageJs.status === 0 && workers.status === 0,
    `tsc --checkJs on evosim.js, demo.js and the workers: exit ${pageJs.status}, ${workers.status} ${pageJs.stdout}${workers.stdout}`);
  const wrong = readFileSync(join(ROOT, 'pkg/evosim.js'), 'utf8')
    .replaceAll("'./single/", "'../pkg/single/").replace("type: 'set_speed'", "type: 'set_sped'");
  writeFileSync(join(dir, 'evosim.js'), wrong);
  const caught = js('es2022,dom', [join(dir, 'evosim.js')]);
  check(caught.status !== 0 && /set_sped/.test(caught.stdout),
    `a message type outside the protocol fails it: exit ${caught.status}: ${caught.stdout.trim().split('\n')[0]}`);
}

const nativeHash100 = () => native(1500, 11, 100);

const server = await serve(ROOT, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const plainServer = await serve(ROOT, 0, { isolated: false });
const plainBase = `http://127.0.0.1:${plainServer.address().port}/`;
mkdirSync(SHOTS, { recursive: true });
const stopped = (ticks) => new Function(`const s = window.evosim?.status();
  return !!s && (s.mode === 'failed' || (s.tick >= ${ticks} && !!s.state_hash));`);
const hashes = new Map();
const nativeBoth = (entities, seed, ticks) => {
  const k = `${entities}/${seed}/${ticks}`;
  if (!hashes.has(k)) hashes.set(k, nativeHash(entities, seed, ticks));
  return hashes.get(k);
};
/** The native state hash; `nativeSpecies`: its species hash (the species
 * and every creature's species and parent, the same in wasm). */
const native = (entities, seed, ticks) => nativeBoth(entities, seed, ticks).state;
const nativeSpecies = (entities, seed, ticks) => nativeBoth(entities, seed, ticks).species;

/** Sections 1 to 8, and 9 inside 3-6's browser. */
async function everything() {
  // 1: WebGPU presenting from the worker.
  const vulkan = await launch(['--enable-unsafe-webgpu', '--use-angle=vulkan', '--enable-features=Vulkan',
    '--use-vulkan=swiftshader']);
  try {
    const { page, status, logs } = await visit(
      vulkan,
      `${base}?entities=2000&seed=7&speed=16&threads=2&backend=gpu`,
      () => {
        const s = window.evosim?.status();
        return !!s && (s.mode === 'webgl2' || s.mode === 'canvas2d' || s.mode === 'failed' || (s.mode === 'webgpu' && s.tick >= 10));
      },
      'webgpu (present=canvas)',
    );
    check(status.mode === 'webgpu', `WebGPU page: mode ${status.mode} (adapter ${status.adapter})`);
    check(status.backend === 'gpu' && !!status.adapter, `GPU backend on a WebGPU adapter: ${status.backend}`);
    check(status.tick >= 10 && status.population > 0, `ticks advance: ${status.tick}, population ${status.population}`);
    const blocking = logs.filter((l) => /reading the GPU state failed|blocking GPU readback/.test(l));
    check(blocking.length === 0, `no blocking GPU readback is tried in the browser: ${blocking.length} warnings`);
    const png = await page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'webgpu.png'), png);
    const pic = picture(png);
    check(pic.lit > 0.3 && pic.colours >= 24,
      `the worker's OffscreenCanvas shows a picture: ${(pic.lit * 100).toFixed(0)}% lit, ${pic.colours} colours, ${pic.size}`);
    await page.close();

    // The colours of present=canvas: the CPU backend at tick 300, as below with present=copy.
    colours('native', nativeShot(1500, 11, join(SHOTS, 'native.png')));
    const canvas = await visit(vulkan, `${base}?entities=1500&seed=11&ticks=300&speed=16&threads=2&backend=cpu`,
      stopped(300), 'webgpu (present=canvas) at tick 300');
    const shot = await canvas.page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'webgpu-canvas.png'), shot);
    colours('present=canvas', shot);
    await canvas.page.close();
  } finally {
    await vulkan.close();
  }

  // 2: WebGPU with present=copy, the viewer on the CPU backend, two threads.
  const webgpu = await launch(['--enable-unsafe-webgpu']);
  try {
    // backend=auto (the default): SwiftShader is a software renderer, so the
    // viewer runs the CPU backend and says why.
    const cpu = await visit(webgpu, `${base}?entities=1500&seed=11&ticks=300&speed=16&present=copy&threads=2`,
      stopped(300), 'webgpu+auto');
    const want = native(1500, 11, 300);
    check(cpu.status.mode === 'webgpu' && cpu.status.backend === 'cpu',
      `auto on a software adapter: the viewer on the CPU backend: ${cpu.status.mode}/${cpu.status.backend}`);
    const why = cpu.logs.find((l) => /software renderer/.test(l)) ?? '';
    check(why !== '', `it says why: "${why.slice(0, 90)}…"`);
    check(cpu.status.threads === 2, `viewer on 2 threads: ${cpu.status.threads}`);
    check(cpu.status.tick === 300 && cpu.status.state_hash === want,
      `viewer CPU state hash at tick ${cpu.status.tick}: ${cpu.status.state_hash}, native ${want}`);
    const wantSpecies = nativeSpecies(1500, 11, 300);
    check(cpu.status.species_hash === wantSpecies,
      `viewer CPU species hash: ${cpu.status.species_hash}, native ${wantSpecies}`);
    const png = await cpu.page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'webgpu-copy.png'), png);
    const pic = picture(png);
    check(pic.lit > 0.3 && pic.colours >= 24, `present=copy shows a picture: ${(pic.lit * 100).toFixed(0)}% lit`);
    const p = panels(png);
    check(p.grey > 0.5 && p.text > 0.005,
      `the WebGPU page shows the panels: ${(p.grey * 100).toFixed(0)}% panel grey, ${(p.text * 100).toFixed(1)}% text`);
    colours('present=copy', png);
    await cpu.page.close();

    // The viewer's worker crashes too: restarted from its checkpoint of tick 300.
    const crash = await visit(webgpu,
      `${base}?entities=1500&seed=11&backend=cpu&ticks=500&speed=16&present=copy&threads=2&fault=worker_panic@400`,
      stopped(500), 'webgpu+cpu fault');
    const want500 = native(1500, 11, 500);
    check(crash.status.restarts === 1 && /restarted from the checkpoint of tick 300/.test(crash.status.restart ?? ''),
      `the viewer's worker was restarted from tick 300: ${crash.status.restarts}, "${(crash.status.restart ?? '').slice(0, 60)}…"`);
    check(crash.status.tick === 500 && crash.status.state_hash === want500,
      `viewer after the restart, state hash at tick ${crash.status.tick}: ${crash.status.state_hash}, native ${want500}`);
    await crash.page.close();
  } finally {
    await webgpu.close();
  }

  // 3-6: no WebGPU; WebGL2 (Chromium has it without flags).
  const plain = await launch([]);
  try {
    const want = native(1500, 11, 300);
    for (const threads of [2, 1]) {
      const { page, status } = await visit(plain, `${base}?entities=1500&seed=11&ticks=300&speed=16&threads=${threads}`,
        stopped(300), `webgl2 threads=${threads}`);
      check(status.mode === 'webgl2' && status.backend === 'cpu', `WebGL2 viewer on the CPU: ${status.mode}/${status.backend}`);
      check(status.threads === threads && status.isolated === true,
        `threads=${threads}: the page reports threads ${status.threads}, isolated ${status.isolated}`);
      check(status.tick === 300 && status.state_hash === want,
        `threads=${threads}: state hash at tick ${status.tick}: ${status.state_hash}, native ${want}`);
      check(status.species_hash === nativeSpecies(1500, 11, 300),
        `threads=${threads}: species hash ${status.species_hash}, native ${nativeSpecies(1500, 11, 300)}`);
      if (threads === 2) {
        const notice = await page.locator('#notice').innerText();
        check(/No WebGPU/.test(notice) && /WebGL2/.test(notice),
          `the page says there is no WebGPU and draws with WebGL2: "${notice.slice(0, 60)}…"`);
        await noticeClear(page, 'webgl2');
        const pool = await page.locator('#pool').innerText();
        check(/^2 worker threads/.test(pool), `the page shows its workers: "${pool}"`);
        const png = await page.locator('#evosim').screenshot();
        writeFileSync(join(SHOTS, 'webgl2.png'), png);
        const pic = picture(png);
        check(pic.lit > 0.3 && pic.colours >= 24, `the WebGL2 canvas shows the world: ${(pic.lit * 100).toFixed(0)}% lit, ${pic.colours} colours`);
        const p = panels(png);
        check(p.grey > 0.5 && p.text > 0.005,
          `the WebGL2 page shows the panels: ${(p.grey * 100).toFixed(0)}% panel grey, ${(p.text * 100).toFixed(1)}% text`);
        colours('webgl2', png);
      }
      await page.close();
    }

    const site = process.env.WEB_SITE;
    if (site === undefined) {
      check(false, 'WEB_SITE names the folder of scripts/build-web.sh --site');
    } else {
      const python = await pythonServer(site);
      try {
        const sw = await visit(plain, `${python.base}?entities=1500&seed=11&ticks=300&speed=16&threads=2`,
          stopped(300), 'static host, service worker');
        check(sw.loads === 2, `the page reloaded once to come under its service worker: ${sw.loads} loads`);
        check(sw.status.isolated === true && sw.status.isolation === 'service-worker' && sw.status.threads === 2,
          `python3 -m http.server: isolated ${sw.status.isolated} by ${sw.status.isolation}, threads ${sw.status.threads}`);
        check(sw.status.tick === 300 && sw.status.state_hash === want,
          `through the service worker: state hash at tick ${sw.status.tick}: ${sw.status.state_hash}, native ${want}`);
        await sw.page.close();
      } finally {
        python.child.kill();
      }
    }

    const one = await visit(plain, `${plainBase}?entities=1500&seed=11&ticks=300&speed=16&threads=2`, stopped(300),
      'not isolated, no service workers', { serviceWorkers: 'block' });
    const pool = await one.page.locator('#pool').innerText();
    check(one.status.isolated === false && one.status.threads === 1,
      `without COOP/COEP and service workers: isolated ${one.status.isolated}, threads ${one.status.threads}`);
    check(/not cross-origin isolated/.test(pool) && /one thread/.test(pool), `the page says why: "${pool}"`);
    check(one.status.tick === 300 && one.status.state_hash === want,
      `one thread: state hash at tick ${one.status.tick}: ${one.status.state_hash}, native ${want}`);
    await one.page.close();

    const fault = await visit(plain, `${base}?entities=1500&seed=11&ticks=500&speed=16&threads=2&fault=worker_panic@400`,
      stopped(500), 'fault');
    const note = await fault.page.locator('#restart').innerText();
    const want500 = native(1500, 11, 500);
    check(fault.status.restarts === 1, `the crashed worker was restarted once: ${fault.status.restarts}`);
    check(/crashed at tick \d+/.test(note) && /restarted from the checkpoint of tick 300/.test(note)
      && /recomputed/.test(note), `the page says so: "${note.slice(0, 160)}…"`);
    check(fault.status.tick === 500 && fault.status.state_hash === want500,
      `after the restart, state hash at tick ${fault.status.tick}: ${fault.status.state_hash}, native ${want500}`);
    await fault.page.close();

    await packageChecks(plain, want);

    const bad = await visit(plain, `${base}?threads=zero`, () => window.evosim?.status()?.mode === 'failed', 'bad threads');
    const error = await bad.page.locator('#error').innerText();
    check(/URL parameter threads="zero"/.test(error), `a bad threads value is named: "${error}"`);
    await bad.page.close();
  } finally {
    await plain.close();
  }

  // 8: neither WebGPU nor WebGL2: the 2D canvas, the last resort.
  // (--disable-webgl leaves an OffscreenCanvas its WebGL2 in Chromium 156;
  // without the GPU process and its software rasterizer there is none.)
  const bare = await launch(['--disable-gpu', '--disable-software-rasterizer']);
  try {
    const want = native(1500, 11, 300);
    const { page, status } = await visit(bare, `${base}?entities=1500&seed=11&ticks=300&speed=16&threads=2`,
      stopped(300), 'canvas2d');
    check(status.mode === 'canvas2d' && status.backend === 'cpu', `2D canvas on the CPU: ${status.mode}/${status.backend}`);
    check(status.tick === 300 && status.state_hash === want,
      `canvas2d: state hash at tick ${status.tick}: ${status.state_hash}, native ${want}`);
    check(status.species_hash === nativeSpecies(1500, 11, 300),
      `canvas2d: species hash ${status.species_hash}, native ${nativeSpecies(1500, 11, 300)}`);
    const notice = await page.locator('#notice').innerText();
    check(/No WebGPU/.test(notice) && /2D canvas/.test(notice), `the page says so: "${notice.slice(0, 90)}…"`);
    await noticeClear(page, 'canvas2d');
    const png = await page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'canvas2d.png'), png);
    const pic = picture(png);
    check(pic.lit > 0.3 && pic.colours >= 8, `the 2D canvas shows the world: ${(pic.lit * 100).toFixed(0)}% lit, ${pic.colours} colours`);
    await page.close();
  } finally {
    await bare.close();
  }
  compareColours(['present=canvas', 'present=copy', 'webgl2']);
}

/** Section 9 alone (WEB_ONLY=package), while working on the package. */
async function packageOnly() {
  const plain = await launch([]);
  try {
    await packageChecks(plain, native(1500, 11, 300));
  } finally {
    await plain.close();
  }
}

try {
  await (process.env.WEB_ONLY === 'package' ? packageOnly() : everything());
} catch (e) {
  console.log(`FAIL ${e.stack ?? e}`);
  failures += 1;
} finally {
  server.close();
  plainServer.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
