// A static file server for the demo, the package and the examples: 127.0.0.1 only, cross-origin isolated
// (COOP same-origin + COEP require-corp: the page's threads need it), correct
// MIME types, no directory listings, nothing outside the root. Used by
// scripts/serve-web.sh and the browser tests.
//
//   node web/serve.mjs ROOT [PORT]
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.toml': 'text/plain; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ts': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on 127.0.0.1:`port` (0: any free port); resolves to the
 * server. `isolated: false` leaves out the COOP/COEP headers (the page then
 * runs on one thread: tests of that fallback).
 */
export function serve(root, port = 8080, { isolated = true } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const headers = isolated
      ? {
        'Cross-Origin-Opener-Policy': 'same-origin',
        'Cross-Origin-Embedder-Policy': 'require-corp',
        'Cross-Origin-Resource-Policy': 'same-origin',
        'Cache-Control': 'no-cache',
      }
      : { 'Cache-Control': 'no-cache' };
    try {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
      let file = normalize(join(base, path));
      if (file !== base && !file.startsWith(base + sep)) {
        res.writeHead(403, headers).end('forbidden');
        return;
      }
      if ((await stat(file).catch(() => null))?.isDirectory()) file = join(file, 'index.html');
      const body = await readFile(file);
      headers['Content-Type'] = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, headers).end(body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => ok(server));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [root = 'target/web', port = '8080'] = process.argv.slice(2);
  serve(root, Number(port))
    .then((s) => {
      const at = `http://127.0.0.1:${s.address().port}`;
      console.log(`serving ${root} on ${at}/ (Ctrl-C stops): the demo at ${at}/, `
        + `the package at ${at}/pkg/evosim.js, the examples at ${at}/examples/`);
    })
    .catch((e) => {
      console.error(`serve-web: cannot listen on 127.0.0.1:${port}: ${e.message}`);
      process.exit(1);
    });
}
