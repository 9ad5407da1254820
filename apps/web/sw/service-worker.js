/* Nitro AI service worker: the app shell works offline; nothing else is ever answered from cache.
 * The build (sw-precache.plugin.ts) replaces the two placeholders below with this build's id and
 * its list of files, so every deploy installs a new worker that drops the previous shell. */
const VERSION = '__NITRO_BUILD__';
const PRECACHE = ['__NITRO_PRECACHE__'];
const SHELL = `nitro-shell-${VERSION}`;
const SHELL_PAGES = new Set(['/', '/index.html']);
const STATIC = new Set(PRECACHE);
/** A navigation waits this long for the server before the cached shell is shown. */
const NAV_TIMEOUT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL).then((c) => c.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith('nitro-shell-') && k !== SHELL).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

/** The page from the network (a new deploy shows at once), the cached shell when it cannot answer. */
async function shellPage(request) {
  const cache = await caches.open(SHELL);
  try {
    const res = await Promise.race([fetch(request), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), NAV_TIMEOUT_MS))]);
    if (res.ok) await cache.put('/', res.clone());
    return res;
  } catch {
    return (await cache.match('/')) ?? Response.error();
  }
}

self.addEventListener('fetch', (event) => {
  const { request } = event;
  const url = new URL(request.url);
  // Only GETs of our own shell are handled. API calls, uploads, streams, /docs, downloads and
  // other origins go straight to the network: they are never served stale.
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    if (SHELL_PAGES.has(url.pathname)) event.respondWith(shellPage(request));
    return;
  }
  if (!STATIC.has(url.pathname)) return;
  // Hashed assets never change and the rest is versioned with the worker: cache first.
  event.respondWith(caches.match(request, { ignoreSearch: true }).then((hit) => hit ?? fetch(request)));
});
