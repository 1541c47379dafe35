/* The pantarlih's field pages: an offline queue of unit outcomes, and a few conveniences.
   Every outcome gets a UUID made here, waits in localStorage until the server has answered
   for it, and is sent again as often as needed: the server stores it once. No framework.

   Offline copies: the service worker (/lapangan/sw.js) keeps the pages
   opened here so a tab reloaded without signal still shows them. Signing out empties the kept
   pages first, so the next person on this phone finds none. */
(function () {
  "use strict";
  var root = document.querySelector("[data-sw]");
  if (!root || !("serviceWorker" in navigator) || !window.caches) return;
  var controlled = !!navigator.serviceWorker.controller;
  navigator.serviceWorker.register(root.dataset.sw).then(function (reg) {
    if (controlled) return;
    /* This page loaded before the worker was in charge, so it was not kept: ask for it. */
    navigator.serviceWorker.ready.then(function (ready) {
      (ready.active || reg.active).postMessage({ keep: location.href });
    });
  }).catch(function () {});
  function forget() {
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("coklit-field-pages-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    });
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (form.getAttribute("action") !== root.dataset.signout) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var go = function () { form.submit(); };
      Promise.race([forget(), new Promise(function (r) { setTimeout(r, 3000); })]).then(go, go);
    });
  });
})();

(function () {
  "use strict";
  var QUEUE = "coklit.queue", REJECTED = "coklit.rejected", BATCH = 50;
  var root = document.querySelector("[data-sync]");
  if (!root) return;
  var busy = false, retryMs = 3000, timer = null;

  function load(key) { try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; } }
  function save(key, items) { localStorage.setItem(key, JSON.stringify(items)); }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function csrf() { var i = document.querySelector("input[name=csrfmiddlewaretoken]"); return i ? i.value : ""; }
  var lang = document.documentElement.lang === "en";
  function t(id, en) { return lang ? en : id; }

  function show() {
    var n = load(QUEUE).length, bad = load(REJECTED).length, text = "";
    if (n) text = n + " " + t("menunggu dikirim", "waiting to send") + (navigator.onLine ? "" : " · " + t("luring", "offline"));
    if (bad) text += (text ? " · " : "") + bad + " " + t("ditolak server", "refused by the server");
    document.querySelectorAll("[data-queue]").forEach(function (el) {
      el.textContent = text; el.hidden = !text; el.dataset.count = n;
    });
  }

  function later() { clearTimeout(timer); timer = setTimeout(flush, retryMs); retryMs = Math.min(retryMs * 2, 60000); }

  function flush() {
    var queue = load(QUEUE);
    if (busy || !queue.length) { show(); return; }
    busy = true;
    var batch = queue.slice(0, BATCH);
    fetch(root.dataset.sync, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ outcomes: batch })
    }).then(function (r) {
      var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
      if (!json || r.status >= 500 || r.status === 400) throw new Error("retry");
      return r.json();
    }).then(function (data) {
      var done = {}, rejected = load(REJECTED);
      data.results.forEach(function (r) {
        done[r.client_uuid] = true;
        if (r.status === "conflict" || r.status === "invalid") rejected.push(r);
      });
      save(REJECTED, rejected.slice(-50));
      save(QUEUE, load(QUEUE).filter(function (i) { return !done[i.client_uuid]; }));
      busy = false; retryMs = 3000; show();
      if (load(QUEUE).length) flush();
    }).catch(function () { busy = false; show(); later(); });
  }

  function enqueue(items) { save(QUEUE, load(QUEUE).concat(items)); show(); flush(); }

  window.addEventListener("online", function () { retryMs = 3000; flush(); });
  window.addEventListener("offline", show);
  show(); flush();

  /* The unit grid: tap a unit, choose the outcome, save. */
  var dialog = document.getElementById("rec"), form = document.getElementById("rec-form");
  var visit = root.dataset.visit, current = null;
  function label(outcome) { var s = document.querySelector(".legend .s-" + outcome); return s ? s.textContent : ""; }
  function mark(tile, outcome) {
    tile.className = tile.className.replace(/\bs-\w+/, "s-" + outcome) + " sent";
    tile.querySelector("small").textContent = label(outcome);
    var hint = tile.querySelector("i"); if (hint) hint.remove();
  }
  function item(unit, outcome, extra) {
    var it = { client_uuid: uuid(), visit: visit, unit: +unit, outcome: outcome,
      voters_verified: 0, voters_removed: 0, voters_new: 0, sticker: "none", recorded_at: new Date().toISOString() };
    for (var k in extra || {}) it[k] = extra[k];
    return it;
  }
  if (dialog && visit) {
    document.querySelector(".field").addEventListener("click", function (e) {
      var tile = e.target.closest("a.u");
      if (!tile) return;
      e.preventDefault();
      current = tile; form.reset();
      document.getElementById("rec-err").hidden = true;
      document.getElementById("rec-title").textContent = tile.firstChild.textContent;
      dialog.showModal();
    });
    dialog.querySelector("[data-close]").addEventListener("click", function () { dialog.close(); });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var f = new FormData(form), outcome = f.get("outcome");
      if (!outcome) { document.getElementById("rec-err").hidden = false; return; }
      enqueue([item(current.dataset.u, outcome, {
        voters_verified: +f.get("voters_verified") || 0, voters_removed: +f.get("voters_removed") || 0,
        voters_new: +f.get("voters_new") || 0, sticker: f.get("sticker") || "none" })]);
      mark(current, outcome); dialog.close();
    });
    /* A whole floor at once: every unit still unvisited gets the same outcome. */
    var floorForm = document.getElementById("floor-form");
    var markBox = document.getElementById("mark");
    document.querySelectorAll(".fm").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () {
        /* The form opens right under the floor it marks, with no outcome chosen. */
        b.closest("section").after(markBox);
        markBox.open = true;
        floorForm.elements.floor.value = b.dataset.floor;
        floorForm.elements.outcome.value = "";
        markBox.scrollIntoView({ block: "nearest" });
        floorForm.elements.outcome.focus();
      });
    });
    floorForm.addEventListener("submit", function (e) {
      e.preventDefault();
      var floor = floorForm.elements.floor.value, select = floorForm.elements.outcome, outcome = select.value;
      if (!outcome) { select.reportValidity(); return; }
      var tiles = document.querySelectorAll('[id="f' + floor + '"] a.u.s-unvisited'), items = [];
      var name = select.options[select.selectedIndex].text;
      if (!tiles.length) { alert(t("Tidak ada unit yang belum dikunjungi di lantai ", "No unit left unvisited on floor ") + floor + "."); return; }
      if (!confirm(t("Tandai " + tiles.length + " unit yang belum dikunjungi di lantai " + floor + " sebagai “" + name + "”?",
        "Mark " + tiles.length + " units not visited yet on floor " + floor + " as “" + name + "”?"))) return;
      tiles.forEach(function (tile) { items.push(item(tile.dataset.u, outcome)); mark(tile, outcome); });
      enqueue(items);
      markBox.open = false;
    });
  }
})();

(function () {
  "use strict";
  /* Starting a visit: the phone's location on request, and the photo shrunk before upload. */
  var visitForm = document.getElementById("visit-form");
  if (visitForm) {
    var locate = document.getElementById("locate");
    if (navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (p) {
          visitForm.elements.latitude.value = p.coords.latitude.toFixed(6);
          visitForm.elements.longitude.value = p.coords.longitude.toFixed(6);
          document.getElementById("located").textContent = "✓ " + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
        }, function () { document.getElementById("located").textContent = "✗"; }, { timeout: 15000 });
      });
    }
    var photo = visitForm.elements.photo;
    photo.addEventListener("change", function () {
      var file = photo.files[0];
      if (!file || !window.createImageBitmap || !window.DataTransfer) return;
      createImageBitmap(file).then(function (img) {
        var scale = Math.min(1, 1280 / Math.max(img.width, img.height));
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(img.width * scale); canvas.height = Math.round(img.height * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          var dt = new DataTransfer();
          dt.items.add(new File([blob], "photo.jpg", { type: "image/jpeg" }));
          photo.files = dt.files;
        }, "image/jpeg", 0.75);
      });
    });
  }
})();

(function () {
  "use strict";
  /* Ending a visit: what went wrong is asked only when access was partial or denied. */
  var form = document.querySelector("form [name=issue_description]");
  form = form && form.form;
  if (!form || !form.elements.access || form.id === "visit-form") return;
  var boxes = [form.elements.issue_kind.closest("div"), form.elements.issue_description.closest("div")];
  function sync() { var granted = form.elements.access.value === "granted"; boxes.forEach(function (b) { b.hidden = granted; }); }
  form.elements.access.addEventListener("change", sync);
  sync();
})();

(function () {
  "use strict";
  /* A field page's messages float over the grid: "saved" goes by itself, a tap dismisses any. */
  document.querySelectorAll("main > .messages li").forEach(function (li) {
    if (!document.querySelector("main > .field")) return;
    li.addEventListener("click", function () { li.remove(); });
    if (!/\berror\b|\bwarning\b/.test(li.className)) setTimeout(function () { li.remove(); }, 6000);
  });
})();
