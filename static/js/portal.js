/* The manager portal: put the eye on the answer after a post, and preview generated units
   as the manager types. Everything works without it: messages are on the page, and the
   generator has a Preview button. */
(function () {
  "use strict";

  // After a post: the error summary first, else the message where the form was.
  function focusAnswer() {
    var target = document.querySelector(".error-summary[data-focus]") ||
      document.querySelector("[data-focus]");
    if (!target) return;
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "start" });
  }

  // The generator's preview: the first and last unit name of each floor, and the units
  // already there that the pattern would double (buildings.views.portal.portal_tower_preview).
  function livePreview(form) {
    var box = document.getElementById(form.getAttribute("data-preview-box"));
    var url = form.getAttribute("data-preview-url");
    if (!box || !url) return;
    var timer = null;
    var asked = 0;
    function ask() {
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (name !== "csrfmiddlewaretoken" && name !== "action") params.append(name, value);
      });
      var mine = ++asked;
      fetch(url + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          // An older answer arriving late never replaces a newer one.
          if (html === null || mine !== asked) return;
          // A choice made while the answer was on its way is kept.
          var chosen = box.querySelector("input[type=radio]:checked");
          box.innerHTML = html;
          if (chosen) {
            var again = box.querySelector('input[type=radio][name="' + chosen.name + '"][value="' + chosen.value + '"]');
            if (again) again.checked = true;
          }
        })
        .catch(function () { /* offline: the Preview button still works */ });
    }
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    form.addEventListener("change", function () {
      clearTimeout(timer);
      ask();
    });
    var details = form.closest("details");
    // A preview the server drew with the page (after a post) is already the form's own.
    var drawn = box.querySelector("table, .errorlist");
    if (!drawn && (!details || details.open)) ask();
    if (details) details.addEventListener("toggle", function () { if (details.open) ask(); });
  }

  // Again once the page has loaded: scrolling to a #fragment then may take the focus away.
  window.addEventListener("load", function () {
    if (document.activeElement === document.body) focusAnswer();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
    focusAnswer();
    document.querySelectorAll("form[data-preview-url]").forEach(livePreview);
  });
})();
