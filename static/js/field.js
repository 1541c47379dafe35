/* The pantarlih's field pages: an offline queue of unit outcomes, and a few conveniences.
   No framework.

   The queue. Every outcome gets a UUID made here and waits in localStorage until the server
   has answered for it; it is sent again as often as needed and the server stores it once.
   - Per officer: the queue is kept under the signed-in officer's opaque name (data-owner), so
     a phone passed to another officer never sends or drops the first one's outcomes; they go
     when their owner signs in again. Signing out with outcomes waiting asks first.
   - Like message ticks, each tile shows what the server has: ◷ waiting on the phone, ✓ stored,
     ! refused (tap it to read why and record it again or discard it). After a reload without
     signal the kept copy of the page is repainted from the queue.
   - A phone's clock may be wrong: the server's clock comes with every page (data-now) and
     every answer ("now"), the offset is kept, and the times recorded here are corrected.
     A time the server still refuses with a newer offset is corrected once and sent again.
   - Signed out (the session ended): the queue stops, says so with a link to sign in again,
     and keeps everything.

   Offline copies: the service worker (/lapangan/sw.js) keeps the pages opened here so a tab
   reloaded without signal still shows them. Signing out empties the kept pages first, so the
   next person on this phone finds none. */
(function () {
  "use strict";
  var root = document.querySelector("[data-sw]");
  if (!root) return;
  var lang = document.documentElement.lang === "en";
  function t(id, en) { return lang ? en : id; }
  var owner = root.dataset.owner || "";
  var KEY = "coklit.items." + owner, CLOCK = "coklit.clock", BATCH = 50;
  var KEEP_SENT_MS = 36 * 3600 * 1000, GUARD_MS = 350;
  var copy = !!document.querySelector("[data-offline]:not([hidden])");  // a kept copy, shown offline
  var pageNow = +root.dataset.now || 0;
  var busy = false, retryMs = 3000, timer = null, signedOut = false, unreachable = copy, allSent = 0;
  var FIELDS = ["client_uuid", "visit", "unit", "outcome", "voters_verified", "voters_removed",
    "voters_new", "sticker", "recorded_at"];

  /* --- Storage ------------------------------------------------------------------------- */
  function read(key, fallback) { try { return JSON.parse(localStorage.getItem(key)) || fallback; } catch (e) { return fallback; } }
  function load() { return owner ? read(KEY, []) : []; }
  function save(items) { if (owner) localStorage.setItem(KEY, JSON.stringify(items)); }
  function waiting(items) { return (items || load()).filter(function (i) { return i.state === "wait"; }); }
  function refused(items) { return (items || load()).filter(function (i) { return i.state === "bad"; }); }
  (function tidy() {
    if (!owner) return;
    var items = load(), old = read("coklit.queue", []), cutoff = Date.now() - KEEP_SENT_MS;
    /* The queue before it was kept per officer: taken over by whoever opens a page first. */
    old.forEach(function (i) { i.state = "wait"; i.phone_at = i.phone_at || Date.now(); items.push(i); });
    localStorage.removeItem("coklit.queue"); localStorage.removeItem("coklit.rejected");
    save(items.filter(function (i) { return i.state !== "sent" || (i.phone_at || 0) > cutoff; }).slice(-3000));
  })();

  /* --- The phone's clock ------------------------------------------------------------------- */
  function offset() { var c = read(CLOCK, null); return c ? +c.offset || 0 : 0; }
  function learn(serverMs, phoneMs) {
    if (serverMs > 0) localStorage.setItem(CLOCK, JSON.stringify({ offset: Math.round(serverMs - phoneMs), at: Date.now() }));
  }
  if (!copy && pageNow) {
    /* The phone's time when this page's first byte arrived, from the monotonic clock. */
    var nav = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
    learn(pageNow, Date.now() - (performance.now() - (nav ? nav.responseStart : 0)));
  }
  function serverTime(phoneMs, off) { return new Date(phoneMs + off).toISOString(); }

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = [];
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h.push((b[i] + 256).toString(16).slice(1));
    return h.slice(0, 4).join("") + "-" + h.slice(4, 6).join("") + "-" + h.slice(6, 8).join("") + "-" + h.slice(8, 10).join("") + "-" + h.slice(10).join("");
  }
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);  // fresh after signing in again
    if (m) return decodeURIComponent(m[1]);
    var i = document.querySelector("input[name=csrfmiddlewaretoken]"); return i ? i.value : "";
  }

  /* --- What the officer sees: the bar at the bottom and the tiles ------------------------ */
  function show() {
    var items = load(), n = waiting(items).length, bad = refused(items).length;
    var parts = [], offline = unreachable || !navigator.onLine;
    if (signedOut) parts.push(t("Sesi berakhir", "Signed out"));
    else if (offline) parts.push(n ? t("Luring", "Offline") : t("Luring: yang diketuk disimpan di ponsel ini", "Offline: taps are kept on this phone"));
    if (n) parts.push("◷ " + n + " " + t("menunggu dikirim", "waiting to send"));
    if (bad) parts.push("! " + bad + " " + t("ditolak: ketuk unit merah", "refused: tap the red units"));
    if (!parts.length && allSent > Date.now() - 4000) parts.push("✓ " + t("Semua terkirim", "All sent"));
    document.querySelectorAll("[data-queue]").forEach(function (el) {
      el.textContent = parts.join(" · ");
      if (signedOut) {
        var a = document.createElement("a");
        a.href = root.dataset.login; a.textContent = t("Masuk lagi untuk mengirim", "Sign in again to send");
        el.appendChild(document.createTextNode(" ")); el.appendChild(a);
      }
      el.hidden = !parts.length; el.dataset.count = n; el.dataset.refused = bad;
      el.className = "queue" + (bad || signedOut ? " q-alert" : offline ? " q-offline" : "");
    });
  }

  function label(outcome) { var s = document.querySelector(".legend .s-" + outcome); return s ? s.textContent : ""; }
  var TICKS = { wait: ["◷", t("menunggu dikirim", "waiting to send")], sent: ["✓", t("terkirim", "sent")],
    bad: ["!", t("ditolak server", "refused by the server")] };
  function paint(tile, it) {
    if (it.state !== "bad") tile.className = tile.className.replace(/\bs-\w+/, "s-" + it.outcome);
    tile.querySelector("small").textContent = it.state === "bad" ? t("Ditolak server", "Refused") : label(it.outcome);
    var hint = tile.querySelector("i"); if (hint) hint.remove();
    /* A resident's request closes with the outcome the server stores. */
    var asked = tile.querySelector("em.rq"); if (asked && it.state !== "bad") asked.remove();
    tile.classList.remove("q-wait", "q-sent", "q-bad");
    tile.classList.add("q-" + it.state);
    var tick = tile.querySelector("b.tick");
    if (!tick) { tick = document.createElement("b"); tick.className = "tick"; tile.appendChild(tick); }
    tick.textContent = TICKS[it.state][0];
    tick.title = TICKS[it.state][1];
    tick.setAttribute("aria-label", TICKS[it.state][1]);
  }
  function repaint() {
    var last = {};
    load().forEach(function (it) {
      /* A stored outcome is already on a page made after it was acknowledged. */
      if (it.state === "sent" && it.acked && pageNow && it.acked < pageNow - 2000) return;
      last[it.unit] = it;
    });
    Object.keys(last).forEach(function (unit) {
      var tile = document.querySelector('a.u[data-u="' + unit + '"]');
      if (tile) paint(tile, last[unit]);
    });
  }

  /* --- Sending ------------------------------------------------------------------------- */
  function later(ms) { clearTimeout(timer); timer = setTimeout(flush, ms || retryMs); retryMs = Math.min(retryMs * 2, 60000); }
  var waiters = [];
  function settle() { var w = waiters; waiters = []; w.forEach(function (f) { f(); }); }

  function answer(data, phoneMs) {
    learn(+data.now, phoneMs);
    var byId = {};
    data.results.forEach(function (r) { byId[r.client_uuid] = r; });
    var items = load(), retry = false;
    items.forEach(function (it) {
      var r = byId[it.client_uuid];
      if (!r || it.state !== "wait") return;
      if (r.status === "stored" || r.status === "duplicate") { it.state = "sent"; it.acked = +data.now || Date.now(); return; }
      var errors = r.errors || {};
      var off = offset();
      if (r.status === "invalid" && errors.recorded_at && !it.corrected && it.phone_at && Math.abs(off - (it.offset || 0)) > 60000) {
        /* Recorded with a wrong idea of the phone's clock: correct it once, send again. */
        it.recorded_at = serverTime(it.phone_at, off); it.offset = off; it.corrected = true; retry = true;
        return;
      }
      it.state = "bad";
      it.reason = r.status === "conflict"
        ? t("Sudah dikirim dengan isi lain.", "Already sent with other content.")
        : Object.keys(errors).map(function (k) { return errors[k]; }).join(" ");
    });
    save(items);
    return retry;
  }

  function flush() {
    var queue = waiting();
    if (busy) return;
    if (!queue.length || !owner) { show(); repaint(); settle(); return; }
    busy = true;
    var sent = Date.now();
    fetch(root.dataset.sync, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ outcomes: queue.slice(0, BATCH).map(function (it) {
        var out = {}; FIELDS.forEach(function (k) { out[k] = it[k]; }); return out;
      }) })
    }).then(function (r) {
      unreachable = false;
      var json = (r.headers.get("Content-Type") || "").indexOf("json") >= 0;
      if (r.status === 401 || r.status === 403 || (r.redirected && !json)) {
        signedOut = true;
        if (json) return r.json().then(function (d) { learn(+d.now, (sent + Date.now()) / 2); throw new Error("signed out"); });
        throw new Error("signed out");
      }
      signedOut = false;
      if (!json || r.status >= 500 || r.status === 400) throw new Error("retry");
      return r.json();
    }).then(function (data) {
      var again = answer(data, (sent + Date.now()) / 2);
      busy = false; retryMs = 3000;
      if (!waiting().length) allSent = Date.now();
      show(); repaint();
      if (again || waiting().length) flush(); else { settle(); setTimeout(show, 4100); }
    }).catch(function (e) {
      if (e instanceof TypeError) unreachable = true;  // no network at all
      busy = false; show(); repaint(); settle();
      later(signedOut ? 60000 : 0);
    });
  }
  /* Send now and tell when done (or when it could not), at most after `ms`. */
  function flushNow(ms) {
    return new Promise(function (resolve) {
      waiters.push(resolve); setTimeout(resolve, ms || 8000);
      retryMs = 3000; clearTimeout(timer); flush();
    });
  }

  function item(unit, outcome, extra) {
    var now = Date.now(), off = offset();
    var it = { client_uuid: uuid(), visit: root.dataset.visit, unit: +unit, outcome: outcome,
      voters_verified: 0, voters_removed: 0, voters_new: 0, sticker: "none",
      recorded_at: serverTime(now, off), phone_at: now, offset: off, state: "wait" };
    for (var k in extra || {}) it[k] = extra[k];
    return it;
  }
  function enqueue(items) {
    var ids = {}, all = load();
    items.forEach(function (i) { ids[i.unit] = true; });
    /* Recording a unit again replaces what the server refused for it. */
    save(all.filter(function (i) { return !(i.state === "bad" && ids[i.unit]); }).concat(items));
    allSent = 0; show(); repaint(); flush();
  }
  function discard(unit) {
    save(load().filter(function (i) { return !(i.state === "bad" && i.unit === +unit); }));
    show();
  }

  window.addEventListener("online", function () { unreachable = false; retryMs = 3000; flush(); });
  window.addEventListener("offline", show);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) { retryMs = 3000; flush(); } });

  /* --- Signing out ----------------------------------------------------------------------- */
  function forget() {
    if (!window.caches) return Promise.resolve();
    return caches.keys().then(function (names) {
      return Promise.all(names.filter(function (n) { return n.indexOf("coklit-field-pages-") === 0; })
        .map(function (n) { return caches.delete(n); }));
    });
  }
  function signOut(form) {
    /* What was stored stays on the server: the phone forgets it; what waits stays here. */
    save(load().filter(function (i) { return i.state !== "sent"; }));
    var go = function () { form.submit(); };
    Promise.race([forget(), new Promise(function (r) { setTimeout(r, 3000); })]).then(go, go);
  }
  function askBeforeSignOut(form) {
    var n = waiting().length, box = document.createElement("dialog");
    box.className = "ask"; box.setAttribute("aria-labelledby", "ask-title");
    var h = document.createElement("h2"); h.id = "ask-title";
    h.textContent = n + " " + t("hasil belum terkirim ke server", "outcomes not sent to the server yet");
    var p = document.createElement("p");
    p.textContent = t("Kirim dulu sebelum keluar. Jika Anda keluar sekarang, hasil tetap disimpan di ponsel ini dan terkirim saat Anda masuk lagi; petugas lain di ponsel ini tidak mengirim atau menghapusnya.",
      "Send them before signing out. If you sign out now they stay on this phone and are sent when you sign in again; another officer on this phone neither sends nor deletes them.");
    var actions = document.createElement("p"); actions.className = "actions";
    function button(text, cls, onclick) {
      var b = document.createElement("button"); b.type = "button"; b.textContent = text;
      if (cls) b.className = cls; b.addEventListener("click", onclick); actions.appendChild(b); return b;
    }
    var send = button(t("Kirim sekarang", "Send now"), "", function () {
      send.disabled = true; p.textContent = t("Mengirim…", "Sending…");
      flushNow(15000).then(function () {
        send.disabled = false;
        if (!waiting().length) { box.close(); signOut(form); return; }
        p.textContent = signedOut
          ? t("Sesi sudah berakhir: masuk lagi untuk mengirim, atau keluar dan hasil tetap di ponsel ini.", "The session has ended: sign in again to send, or sign out and they stay on this phone.")
          : t("Belum terkirim: tidak ada sinyal. Coba lagi di tempat bersinyal, atau keluar dan hasil tetap di ponsel ini.", "Not sent: no signal. Try again where there is signal, or sign out and they stay on this phone.");
      });
    });
    button(t("Keluar, simpan di ponsel", "Sign out, keep on phone"), "secondary", function () { box.close(); signOut(form); });
    button(t("Batal", "Cancel"), "secondary", function () { box.close(); box.remove(); });
    box.appendChild(h); box.appendChild(p); box.appendChild(actions);
    document.body.appendChild(box); box.showModal(); send.focus();
  }
  document.querySelectorAll("form").forEach(function (form) {
    if (form.getAttribute("action") !== root.dataset.signout) return;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (waiting().length) askBeforeSignOut(form); else signOut(form);
    });
  });

  /* --- The service worker ----------------------------------------------------------------- */
  if ("serviceWorker" in navigator && window.caches) {
    var controlled = !!navigator.serviceWorker.controller;
    navigator.serviceWorker.register(root.dataset.sw).then(function (reg) {
      if (controlled) return;
      /* This page loaded before the worker was in charge, so it was not kept: ask for it. */
      navigator.serviceWorker.ready.then(function (ready) {
        (ready.active || reg.active).postMessage({ keep: location.href });
      });
    }).catch(function () {});
  }

  /* --- Recording: the sheet on the grid, and the unit page's form ------------------------- */
  function flash(text) {
    var main = document.querySelector("main"), ul = document.createElement("ul"), li = document.createElement("li");
    ul.className = "messages"; li.className = "success"; li.textContent = text;
    li.setAttribute("role", "status"); ul.appendChild(li); main.insertBefore(ul, main.firstChild);
    li.addEventListener("click", function () { ul.remove(); });
    setTimeout(function () { ul.remove(); }, 6000);
  }
  var said = sessionStorage.getItem("coklit.flash");
  if (said) { sessionStorage.removeItem("coklit.flash"); flash(said); }

  /* What Bawaslu audits is chosen, never defaulted: for "coklit done", the voters and the sticker. */
  function problems(form) {
    var f = new FormData(form), outcome = f.get("outcome");
    if (!outcome) return [null, t("Pilih hasil kunjungan.", "Choose an outcome.")];
    if (outcome === "done") {
      if (f.get("voters_verified") === null || f.get("voters_verified") === "")
        return [form.elements.voters_verified, t("Isi jumlah pemilih terverifikasi (0 jika tidak ada).", "Enter the number of voters verified (0 if none).")];
      if (!f.get("sticker")) return [form.elements.sticker[0], t("Pilih stiker: ditempel, diserahkan, atau tidak ada.", "Choose the sticker: placed, handed over, or none.")];
    }
    return null;
  }
  function extra(form) {
    var f = new FormData(form);
    if (f.get("outcome") !== "done") return {};
    return { voters_verified: +f.get("voters_verified") || 0, voters_removed: +f.get("voters_removed") || 0,
      voters_new: +f.get("voters_new") || 0, sticker: f.get("sticker") };
  }
  /* The counts and the sticker belong to "coklit done" only; the quick choice fills the sticker. */
  function outcomeChoice(form) {
    var done = form.querySelector(".done-only");
    form.addEventListener("change", function (e) {
      if (e.target.name !== "outcome") return;
      var isDone = e.target.value === "done";
      if (done) done.hidden = !isDone;
      if (e.target.dataset.sticker) {
        form.querySelectorAll("input[name=sticker]").forEach(function (r) { r.checked = r.value === e.target.dataset.sticker; });
      } else if (isDone) {
        form.querySelectorAll("input[name=sticker]").forEach(function (r) { r.checked = false; });
      }
      if (isDone) form.elements.voters_verified.focus();
    });
  }
  function complain(form, errBox, problem) {
    errBox.textContent = problem[1]; errBox.hidden = false;
    if (problem[0]) { problem[0].focus(); problem[0].scrollIntoView({ block: "nearest" }); }
  }

  if (document.getElementById("rec") && root.dataset.visit) {
    var dialog = document.getElementById("rec"), form = document.getElementById("rec-form");
    var body = dialog.querySelector(".sheet-body"), errBox = document.getElementById("rec-err");
    var why = document.getElementById("rec-refused"), drop = dialog.querySelector("[data-discard]");
    var current = null, saving = false;
    outcomeChoice(form);
    document.querySelector(".field").addEventListener("click", function (e) {
      var tile = e.target.closest("a.u");
      if (!tile) return;
      e.preventDefault();
      if (dialog.open) return;
      current = tile; form.reset(); saving = false;
      errBox.hidden = true;
      form.querySelector(".done-only").hidden = true;
      var bad = refused().filter(function (i) { return i.unit === +tile.dataset.u; }).pop();
      why.hidden = drop.hidden = !bad;
      why.textContent = bad ? t("Ditolak server: ", "Refused by the server: ") + bad.reason + " " + t("Pilih lagi lalu Simpan, atau Buang.", "Choose again and save, or discard.") : "";
      var floor = tile.closest("section.floor");
      document.getElementById("rec-title").textContent = tile.firstChild.textContent;
      document.getElementById("rec-floor").textContent = floor ? floor.querySelector("h2").firstChild.textContent.trim() : "";
      dialog.showModal();
      body.scrollTop = 0;
    });
    /* The second tap of a double tap on "Save" would land on the tile under the finger and
       open the sheet for another unit: a clear shield takes the taps for a moment. */
    var shield = document.createElement("div");
    shield.className = "tap-shield"; shield.hidden = true; document.body.appendChild(shield);
    function close() {
      dialog.close(); shield.hidden = false;
      clearTimeout(close.timer); close.timer = setTimeout(function () { shield.hidden = true; }, GUARD_MS);
    }
    dialog.querySelectorAll("[data-close]").forEach(function (b) { b.addEventListener("click", close); });
    drop.addEventListener("click", function () {
      discard(current.dataset.u);
      location.reload();
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (saving) return;
      var problem = problems(form);
      if (problem) { complain(form, errBox, problem); return; }
      saving = true;
      var outcome = new FormData(form).get("outcome");
      enqueue([item(current.dataset.u, outcome, extra(form))]);
      close();
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
      tiles.forEach(function (tile) { items.push(item(tile.dataset.u, outcome)); });
      enqueue(items);
      markBox.open = false;
    });
  }

  /* The unit page's form: through the same queue, so it works without signal too. */
  /* A big tower's grid comes in ranges of floors (?lantai=): the unit page goes back to the
     range the officer came from, which is also the one kept on the phone for offline use. */
  var GRID = "coklit.grid:";
  if (root.id === "grid") {
    sessionStorage.setItem(GRID + location.pathname, location.search);
  } else if (root.dataset.grid) {
    var parts = root.dataset.grid.split("#"), search = sessionStorage.getItem(GRID + parts[0]);
    if (search) {
      root.dataset.grid = parts[0] + search + (parts[1] ? "#" + parts[1] : "");
      var back = document.querySelector("a[data-grid-link]");
      if (back) back.href = root.dataset.grid;
    }
  }

  var unitForm = document.getElementById("unit-form");
  if (unitForm && root.dataset.visit && owner) {
    var unitErr = document.getElementById("unit-err"), sending = false;
    outcomeChoice(unitForm);
    unitForm.querySelector(".o-done_placed").hidden = false;  // needs this script to fill the sticker
    unitForm.querySelector(".done-only").hidden = new FormData(unitForm).get("outcome") !== "done";
    unitForm.addEventListener("submit", function (e) {
      e.preventDefault();
      if (sending) return;
      var problem = problems(unitForm);
      if (problem) { complain(unitForm, unitErr, problem); return; }
      sending = true;
      var it = item(root.dataset.unit, new FormData(unitForm).get("outcome"), extra(unitForm));
      enqueue([it]);
      flushNow(6000).then(function () {
        var now = load().filter(function (i) { return i.client_uuid === it.client_uuid; })[0] || it;
        var name = root.dataset.number;
        sessionStorage.setItem("coklit.flash", now.state === "sent" ? t("Tersimpan: ", "Saved: ") + name + "."
          : now.state === "bad" ? t("Ditolak server: ", "Refused by the server: ") + name + ". " + now.reason
          : name + ": " + t("menunggu dikirim, tersimpan di ponsel ini.", "waiting to send, kept on this phone."));
        location.assign(root.dataset.grid);
      });
    });
  }

  show(); repaint(); flush();
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
  }
})();

(function () {
  "use strict";
  /* Any photo field marked data-shrink (the visit's photo, the officer's own photo) is shrunk
     to 1280 px JPEG on the phone before upload: a stairwell connection sends ~200 KB, not 4 MB.
     The server re-encodes it anyway and strips every metadata field. */
  document.querySelectorAll("input[type=file][data-shrink]").forEach(function (photo) {
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
  });
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
