/* The field pages' service worker: a pantarlih's phone keeps the field pages it opened, so a
   tab reloaded without signal still shows them and field.js keeps queueing outcomes.
   Hand-written, no library; served by visits.views.sync.service_worker (docs/guide-pantarlih.md).

   - Field pages: network first. A page the server marks as keepable (the owner header, only
     on today, the tower grid and the unit page of a signed-in pantarlih) is stored in a cache
     named after its owner; when the network fails, times out or answers 5xx, the stored copy
     is answered with its offline banner shown. Never stored: POSTs, /lapangan/kirim/, the
     officer card, anything outside /lapangan/.
   - Another owner's page, or a redirect (signed out, not a pantarlih), empties the page cache.
   - The stylesheet, the script and the offline fallback page: cached at install. */
"use strict";
var CONFIG = {{ config }};
var STATIC = "coklit-field-static-" + CONFIG.version;
var PAGES = "coklit-field-pages-v1-";  // + owner; bump v1 if what is stored changes shape
var SLOW_MS = 8000;  // a stairwell connection that has not answered by now is as good as none

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(STATIC).then(function (cache) {
    return cache.addAll(CONFIG.precache);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("coklit-field-") === 0 && name !== STATIC && name.indexOf(PAGES) !== 0;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

/* field.js asks for the page it was loaded on before this worker controlled it. */
self.addEventListener("message", function (event) {
  var url = event.data && event.data.keep;
  if (!url || new URL(url).origin !== location.origin) return;
  event.waitUntil(fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (response) {
    return keep(new Request(url), response);
  }).catch(function () {}));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== location.origin) return;
  if (request.mode === "navigate" && url.pathname.indexOf(CONFIG.scope) === 0) {
    event.respondWith(page(event));
  } else if (CONFIG.assets[logical(url.pathname)]) {
    event.respondWith(asset(request, url));
  }
});

function forget() {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("coklit-field-pages-") === 0; })
      .map(function (name) { return caches.delete(name); }));
  });
}

function keep(request, response) {
  if (response.type === "opaqueredirect") return forget();
  var owner = response.headers.get(CONFIG.header);
  if (!owner || response.status !== 200) return Promise.resolve();
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("coklit-field-pages-") === 0 && name !== PAGES + owner;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () {
    return caches.open(PAGES + owner);
  }).then(function (cache) { return cache.put(request, response); });
}

function stored(request) {
  return caches.keys().then(function (names) {
    var pages = names.filter(function (name) { return name.indexOf(PAGES) === 0; });
    return pages.length ? caches.open(pages[0]) : null;
  }).then(function (cache) {
    return cache && cache.match(request, { ignoreVary: true });
  }).then(function (response) {
    if (!response) return null;
    /* The body changes, and it is stored already decoded: drop what described the old one. */
    var headers = new Headers(response.headers);
    headers.delete("Content-Length");
    headers.delete("Content-Encoding");
    return response.text().then(function (html) {
      return new Response(html.replace(CONFIG.banner[0], CONFIG.banner[1]), {
        status: response.status, statusText: response.statusText, headers: headers
      });
    });
  });
}

function fallback() {
  return caches.match(CONFIG.offline).then(function (response) { return response || Response.error(); });
}

function page(event) {
  var request = event.request, kept = null;
  var fresh = fetch(request).then(function (response) {
    kept = keep(request, response.clone());
    return response;
  });
  event.waitUntil(fresh.then(function () { return kept; }).catch(function () {}));
  var answer = fresh.then(function (response) {
    if (response.status < 500) return response;
    return stored(request).then(function (copy) { return copy || response; });
  });
  var slow = new Promise(function (resolve, reject) { setTimeout(reject, SLOW_MS); });
  return Promise.race([answer, slow]).catch(function () {
    return stored(request).then(function (copy) {
      return copy || answer.catch(fallback);
    });
  });
}

/* A static file's name without WhiteNoise's content hash (app.3f2a9c1b0d4e.css → app.css):
   a page kept before a deploy still finds today's stylesheet and script. */
function logical(path) { return path.replace(/\.[0-9a-f]{12}(\.\w+)$/, "$1"); }

function asset(request, url) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      return hit || fetch(request).catch(function () {
        return cache.match(CONFIG.assets[logical(url.pathname)], { ignoreVary: true }).then(function (copy) {
          return copy || Response.error();
        });
      });
    });
  });
}
