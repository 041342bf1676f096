// The browser demo in Debian's Chromium, headless, driven by playwright-core
// (no browser is downloaded). Run by tests/web.rs after scripts/build-web.sh;
// by hand:
//
//   WEB_ROOT=target/web EVOSIM_BIN=target/release/evosim node web/tests/browser.mjs
//
// Headless Chromium's WebGPU (SwiftShader) loses its device when it presents
// to a canvas, so the WebGPU pages use present=copy: the viewer draws into a
// texture that is read back into a 2D canvas (see web/src/copy.rs).
//
// 1. With --enable-unsafe-webgpu: the page gets a WebGPU adapter, runs the
//    GPU backend past tick 200 with a living population, and the canvas
//    shows a real picture (many colours, little black).
// 2. Same, backend=cpu and ticks=300: the viewer's CPU backend stops at 300
//    and its state hash equals `evosim run --backend cpu` natively.
// 3. Without the flag: the page says there is no WebGPU, runs the CPU
//    backend on a 2D canvas to tick 300, and its state hash equals the
//    native one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
  if (!m) throw new Error(`no state_hash in the output of ${BIN} run:\n${out}`);
  return m[1];
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

async function visit(browser, url, done, label) {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
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
  return { page, status };
}

const server = await serve(ROOT, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
mkdirSync(SHOTS, { recursive: true });
const stopped = (ticks) => new Function(`const s = window.evosim?.status();
  return !!s && (s.mode === 'failed' || (s.message ?? '').includes('panicked') || (s.tick >= ${ticks} && !!s.state_hash));`);

try {
  // 1 and 2: WebGPU.
  const webgpu = await launch(['--enable-unsafe-webgpu']);
  try {
    const { page, status } = await visit(
      webgpu,
      `${base}?entities=2000&seed=7&speed=16&present=copy`,
      () => {
        const s = window.evosim?.status();
        return !!s && (s.mode === 'fallback' || s.mode === 'failed' || (s.mode === 'webgpu' && s.tick > 200));
      },
      'webgpu',
    );
    check(status.mode === 'webgpu', `WebGPU page: mode ${status.mode} (adapter ${status.adapter})`);
    check(status.backend === 'gpu' && !!status.adapter, `GPU backend on a WebGPU adapter: ${status.backend}`);
    check(status.tick > 200, `ticks advance past 200: ${status.tick}`);
    check(status.population > 0, `population positive: ${status.population}`);
    const png = await page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'webgpu.png'), png);
    const pic = picture(png);
    check(pic.lit > 0.3 && pic.colours >= 24,
      `the canvas shows a picture: ${(pic.lit * 100).toFixed(0)}% lit, ${pic.colours} colours, ${pic.size}`);
    await page.close();

    const cpu = await visit(webgpu, `${base}?entities=1500&seed=11&backend=cpu&ticks=300&speed=16&present=copy`,
      stopped(300), 'webgpu+cpu');
    const want = nativeHash(1500, 11, 300);
    check(cpu.status.mode === 'webgpu' && cpu.status.backend === 'cpu',
      `viewer on the CPU backend: ${cpu.status.mode}/${cpu.status.backend}`);
    check(cpu.status.tick === 300 && cpu.status.state_hash === want,
      `viewer CPU state hash at tick ${cpu.status.tick}: ${cpu.status.state_hash}, native ${want}`);
    await cpu.page.close();
  } finally {
    await webgpu.close();
  }

  // 3: no WebGPU.
  const plain = await launch([]);
  try {
    const { page, status } = await visit(plain, `${base}?entities=1500&seed=11&ticks=300&speed=16`,
      stopped(300), 'fallback');
    const notice = await page.locator('#notice').innerText();
    check(status.mode === 'fallback' && status.backend === 'cpu', `fallback on the CPU: ${status.mode}/${status.backend}`);
    check(/No WebGPU/.test(notice), `the page says so: "${notice.slice(0, 80)}…"`);
    check(status.population > 0, `population positive: ${status.population}`);
    const want = nativeHash(1500, 11, 300);
    check(status.tick === 300 && status.state_hash === want,
      `browser CPU state hash at tick ${status.tick}: ${status.state_hash}, native ${want}`);
    const png = await page.locator('#evosim').screenshot();
    writeFileSync(join(SHOTS, 'fallback.png'), png);
    const pic = picture(png);
    check(pic.lit > 0.3 && pic.colours >= 8, `the 2D canvas shows the world: ${(pic.lit * 100).toFixed(0)}% lit, ${pic.colours} colours`);
  } finally {
    await plain.close();
  }
} catch (e) {
  console.log(`FAIL ${e.stack ?? e}`);
  failures += 1;
} finally {
  server.close();
}
console.log(failures ? `${failures} check(s) failed` : 'all browser checks passed');
process.exit(failures ? 1 : 0);
