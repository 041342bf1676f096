// Ticks per second of the browser's GPU backend (issue 19's measure): the
// page in Debian's headless Chromium with --enable-unsafe-webgpu (WebGPU on
// SwiftShader, a CPU implementation), `backend=gpu&present=copy`, the
// panels shown, `speed=16` (the most ticks a frame; SPEED=1 is the page's
// default: one tick a frame). After a warm-up it counts the ticks the page
// reports over a window and prints one JSON line:
//
//   node web/tests/gpu-rate.mjs [ENTITIES] [SECONDS] [THREADS] [SPEED]   # 5000 60 2 16
//
// Environment: WEB_ROOT (default target/web), CHROMIUM, WEB_RATE_WARMUP_TICKS
// (default 20). Progress on stderr. Compare figures only within one machine.
import { serve } from '../serve.mjs';
import { launch } from './chromium.mjs';

const [entities = '5000', seconds = '60', threads = '2', speed = '16'] = process.argv.slice(2);
const ROOT = process.env.WEB_ROOT ?? 'target/web';
const WARMUP = Number(process.env.WEB_RATE_WARMUP_TICKS ?? 20);
const log = (text) => console.error(`gpu-rate: ${text}`);

const server = await serve(ROOT, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
const browser = await launch(['--enable-unsafe-webgpu']);
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 720 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const url = `${base}?entities=${entities}&seed=7&backend=gpu&present=copy&speed=${speed}&threads=${threads}`;
  log(url);
  await page.goto(url);
  const status = () => page.evaluate(() => window.evosim?.status());
  const started = Date.now();
  for (;;) {
    const s = await status();
    if (s?.mode === 'failed' || errors.length) throw new Error(`the page failed: ${s?.message ?? ''} ${errors.join('; ')}`);
    if (s && s.mode !== 'loading' && s.backend !== 'gpu' && s.tick > 0) {
      throw new Error(`the page runs backend ${s.backend} in mode ${s.mode}, not the GPU backend`);
    }
    if (s?.tick >= WARMUP) break;
    if (Date.now() - started > 300_000) throw new Error(`no warm-up after 300 s: ${JSON.stringify(s)}`);
    await new Promise((ok) => setTimeout(ok, 200));
  }
  const a = await status();
  const t0 = Date.now();
  // The page's own figures of its last batch, sampled each second.
  const samples = [];
  const passes = [];
  while (Date.now() - t0 < Number(seconds) * 1000) {
    await new Promise((ok) => setTimeout(ok, 1000));
    const s = await status();
    samples.push([s.tick_ms, s.transfer_ms, s.resolve_ms]);
    passes.push(s.passes_ms ?? {});
  }
  const b = await status();
  const median = (k) => {
    const v = samples.map((x) => x[k]).filter((x) => typeof x === 'number').sort((x, y) => x - y);
    return v.length ? Number(v[Math.floor(v.length / 2)].toFixed(2)) : null;
  };
  const s = (Date.now() - t0) / 1000;
  const ticks = b.tick - a.tick;
  log(`${ticks} ticks in ${s.toFixed(1)} s; population ${b.population}; adapter ${b.adapter}`);
  console.log(JSON.stringify({
    entities: Number(entities),
    threads: Number(threads),
    speed: Number(speed),
    seconds: Number(s.toFixed(2)),
    ticks,
    ticks_per_s: Number((ticks / s).toFixed(2)),
    ms_per_tick: Number((1000 * s / Math.max(ticks, 1)).toFixed(1)),
    population: b.population,
    page_tick_ms: median(0),
    page_transfer_ms: median(1),
    page_resolve_ms: median(2),
    page_passes_ms: Object.fromEntries(Object.keys(passes.at(-1) ?? {}).map((k) => {
      const v = passes.map((p) => p[k]).filter((x) => typeof x === 'number').sort((x, y) => x - y);
      return [k, Number(v[Math.floor(v.length / 2)].toFixed(2))];
    })),
    mode: b.mode,
    backend: b.backend,
    adapter: b.adapter,
    user_agent: await page.evaluate(() => navigator.userAgent),
  }));
} catch (e) {
  console.error(`gpu-rate: ${e.message}`);
  code = 1;
} finally {
  await browser.close();
  server.close();
}
process.exit(code);
