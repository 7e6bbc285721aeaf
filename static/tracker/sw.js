/* The service worker: keeps the scan page and what it loads, so that from the home screen it opens
   without waiting on the network. Served from /sw.js (scope: the whole site) by tracker/views/scan.py,
   which puts `const SHELL = {version, scanUrl, logoutUrl, assets}` before this file.
   Only the scan page and those assets are answered from the cache; every other request, and every
   answer about a barcode, goes to the network as if there were no service worker. */
"use strict";

const CACHE = "dvdtracker-" + SHELL.version;
const ASSET_PATHS = new Set(SHELL.assets.map((url) => new URL(url, self.location.origin).pathname));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    await cache.addAll(SHELL.assets);
    await storeScanPage(cache);
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("dvdtracker-") && name !== CACHE) {
        await caches.delete(name);
      }
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  // The stored page shows who is signed in: signing out forgets it.
  if (request.method === "POST" && SHELL.logoutUrl && url.pathname === SHELL.logoutUrl) {
    event.waitUntil(forgetScanPage());
    return;
  }
  if (request.method !== "GET") {
    return;
  }
  if (request.mode === "navigate" && url.pathname === SHELL.scanUrl) {
    event.respondWith(scanPage(event));
  } else if (ASSET_PATHS.has(url.pathname)) {
    event.respondWith(asset(request));
  }
});

/* The stored page at once, refreshed from the network for next time; the network when none is stored. */
async function scanPage(event) {
  const cache = await caches.open(CACHE);
  const stored = await cache.match(SHELL.scanUrl, {ignoreSearch: true});
  const fresh = fetch(event.request).then(async (response) => {
    if (isThePage(response)) {
      await cache.put(SHELL.scanUrl, response.clone());
    } else if (response.type === "opaqueredirect" || response.redirected) {
      await cache.delete(SHELL.scanUrl);  // the session ended: the sign-in page is on its way
    }
    return response;
  });
  if (stored) {
    event.waitUntil(fresh.catch(() => undefined));
    return stored;
  }
  return fresh;
}

async function asset(request) {
  const cache = await caches.open(CACHE);
  // Fonts are asked for with a query string (?hash) that the stored copy does not have.
  const stored = await cache.match(request, {ignoreSearch: true});
  return stored || fetch(request);
}

async function storeScanPage(cache) {
  try {
    const response = await fetch(SHELL.scanUrl, {credentials: "same-origin"});
    if (isThePage(response)) {
      await cache.put(SHELL.scanUrl, response);
    }
  } catch (offline) {
    /* it is stored on the next visit */
  }
}

function isThePage(response) {
  return response.ok && !response.redirected && response.type === "basic";
}

async function forgetScanPage() {
  const cache = await caches.open(CACHE);
  await cache.delete(SHELL.scanUrl);
}
