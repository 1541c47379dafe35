/* Starting a visit: the access issue's fields, and a button that says what will happen.
   The start raises an access issue only when access was denied (visits/field.py visit_start;
   a partial access is reported when the visit ends), so only then are the fields shown and
   the button reads "Record turned away". Without this script every field shows and the
   button keeps its first label: the server decides from the chosen access either way. */
(function () {
  "use strict";
  var form = document.getElementById("visit-form");
  if (!form || !form.elements.access) return;
  var issue = form.querySelector(".issue");
  var submit = form.querySelector("button[type=submit]");
  var start = submit.textContent;
  function sync() {
    var denied = form.elements.access.value === "denied";
    issue.hidden = !denied;
    submit.textContent = denied ? submit.dataset.denied : start;
  }
  form.addEventListener("change", function (event) {
    if (event.target.name === "access") sync();
  });
  sync();
})();
