// The browser benchmark's driver (scripts/web-bench.sh runs it): serves the
// built page cross-origin isolated, opens `?bench=SIZES&threads=K` in Debian's
// headless Chromium once per thread count, waits for the page's rows
// (window.evosim.status().bench) and writes them as JSON. Progress on stderr.
//
//   node web/tests/bench.mjs OUT.json 10k,25k 1,2
//
// Environment: WEB_ROOT (default target/web), CHROMIUM (/usr/bin/chromium),
// WEB_BENCH_TICKS and WEB_BENCH_WARMUP (the page's defaults: 200 and 20),
// WEB_BENCH_TIMEOUT_S (per thread count, default 3600).
import { renameSync, writeFileSync } from 'node:fs';
import { serve } from '../serve.mjs';
import { launch } from './chromium.mjs';

const [out, entities, threadList] = process.argv.slice(2);
if (!out || !entities || !threadList) {
  console.error('usage: node web/tests/bench.mjs OUT.json ENTITIES THREADS');
  process.exit(2);
}
const ROOT = process.env.WEB_ROOT ?? 'target/web';
const TICKS = process.env.WEB_BENCH_TICKS;
const WARMUP = process.env.WEB_BENCH_WARMUP;
const TIMEOUT_MS = Number(process.env.WEB_BENCH_TIMEOUT_S ?? 3600) * 1000;
const log = (text) => console.error(`web-bench: ${text}`);

/** The page's rows for one thread count, with what the browser says about itself. */
async function measure(browser, base, threads) {
  const page = await browser.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const query = new URLSearchParams({ bench: entities, threads: String(threads) });
  if (TICKS) query.set('bench_ticks', TICKS);
  if (WARMUP) query.set('bench_warmup', WARMUP);
  const url = `${base}?${query.toString().replaceAll('%2C', ',')}`;
  log(`threads=${threads}: ${url}`);
  await page.goto(url);
  const start = Date.now();
  let lastLog = 0;
  for (;;) {
    const s = await page.evaluate(() => window.evosim?.status());
    if (s?.mode === 'failed' || (s?.message ?? '').includes('panicked') || errors.length) {
      throw new Error(`the page failed: ${s?.message ?? ''} ${errors.join('; ')}`.trim());
    }
    if (s?.mode === 'bench' && Array.isArray(s.bench)) {
      const env = await page.evaluate(() => ({
        user_agent: navigator.userAgent,
        cross_origin_isolated: self.crossOriginIsolated,
        hardware_concurrency: navigator.hardwareConcurrency,
      }));
      log(`threads=${threads}: done in ${((Date.now() - start) / 1000).toFixed(1)} s`);
      await page.close();
      return { rows: s.bench, env };
    }
    if (s && s.mode !== 'bench' && s.mode !== 'starting' && s.mode !== 'loading') {
      throw new Error(`the page is in mode ${s.mode}, not bench (an old build? run scripts/build-web.sh)`);
    }
    if (Date.now() - start > TIMEOUT_MS) {
      throw new Error(`no result after ${TIMEOUT_MS / 1000} s: ${JSON.stringify(s)}`);
    }
    if (Date.now() - lastLog > 5000 && s?.bench_total) {
      log(`threads=${threads}: ${s.bench_done}/${s.bench_total} ticks`);
      lastLog = Date.now();
    }
    await new Promise((ok) => setTimeout(ok, 500));
  }
}

const server = await serve(ROOT, 0);
const base = `http://127.0.0.1:${server.address().port}/`;
let status = 0;
try {
  const results = [];
  let env;
  let version;
  for (const k of threadList.split(',').map(Number)) {
    // A fresh browser per thread count: nothing carried over between them.
    // No WebGPU flag: the benchmark runs the CPU backend.
    const browser = await launch();
    try {
      version = browser.version();
      const got = await measure(browser, base, k);
      env = got.env;
      for (const row of got.rows) {
        if (row.threads !== k) {
          log(`threads=${k} asked, the page ran ${row.threads} (it has no thread pool of that size)`);
        }
        results.push({ threads_requested: k, ...row });
        log(`${row.entities} entities, ${row.threads} thread(s): median ${row.median_ms.toFixed(2)} ms/tick`);
      }
    } finally {
      await browser.close();
    }
  }
  const doc = {
    user_agent: env.user_agent,
    browser: `Chromium ${version}`,
    cross_origin_isolated: env.cross_origin_isolated,
    hardware_concurrency: env.hardware_concurrency,
    scenario: 'default',
    seed: 42,
    results,
  };
  const tmp = `${out}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(doc, null, 2)}\n`);
  renameSync(tmp, out);
  log(`wrote ${out}`);
} catch (e) {
  log(`failed: ${e.message ?? e}`);
  status = 1;
} finally {
  server.close();
}
process.exit(status);
