/* The invitation form asks only what the chosen role needs: a TPS for a pantarlih, and no
   region for a PPS or pantarlih once a building is chosen (the building fixes its kelurahan;
   accounts/invitation_forms.py invitation_region). Without this script every field shows and
   the server decides the same way. */
(function () {
  "use strict";
  var form = document.getElementById("invitation-form");
  if (!form || !form.elements.role) return;
  var KELURAHAN_ROLES = ["pps", "pantarlih"];
  function row(name) {
    var field = form.elements[name];
    return field ? field.closest("div") : null;
  }
  function sync() {
    var role = form.elements.role.value;
    var building = form.elements.building && form.elements.building.value;
    var region = row("region"), tps = row("tps");
    if (region) {
      region.hidden = role === "pengelola" ||
        (KELURAHAN_ROLES.indexOf(role) >= 0 && Boolean(building));
    }
    if (tps) tps.hidden = role !== "pantarlih" && !form.elements.tps.value;
  }
  form.addEventListener("change", function (event) {
    if (["role", "building"].indexOf(event.target.name) >= 0) sync();
  });
  sync();
})();
