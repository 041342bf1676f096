// A service worker that makes the demo cross-origin isolated on a static host
// that sends no COOP/COEP headers (GitHub Pages among them): it answers every
// request of its pages with the response plus those headers. demo.js
// registers it only when the page is not isolated already, then reloads once;
// from then on the page loads through it. Without service workers the page
// runs on one thread and says so.

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()));

self.addEventListener('fetch', (event) => {
  const request = event.request;
  // A request the browser may only answer from its cache cannot be fetched here.
  if (request.cache === 'only-if-cached' && request.mode !== 'same-origin') return;
  event.respondWith(fetch(request).then((response) => {
    // Opaque (cross-origin, no-cors) responses cannot be given headers.
    if (response.status === 0) return response;
    const headers = new Headers(response.headers);
    headers.set('Cross-Origin-Opener-Policy', 'same-origin');
    headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
    headers.set('Cross-Origin-Resource-Policy', 'same-origin');
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }));
});
