/* The dashboard map (templates/dashboard/map.html): a marker per building with coordinates,
   drawn with the vendored Leaflet from the rows the server put in #map-data (json_script).
   A marker's fill is the building's coverage band, its dark ring says it is behind with a
   reason; the colours are read from the legend's swatches, so the stylesheet is their one
   source. Names and reasons reach the page as text nodes, never as HTML. The background
   tiles come from data-tiles (settings.MAP_TILE_URL); when they cannot load, the markers
   still stand on a blank background and a line below the map says so. Without this script
   the list beside the map holds the same buildings. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!box || !source || !window.L) return;
  var rows = JSON.parse(source.textContent);
  var fallback = box.querySelector(".map-fallback");
  if (fallback) fallback.remove();

  function swatch(selector, property) {
    var el = document.querySelector(".map-legend " + selector + " .swatch");
    return el ? getComputedStyle(el)[property] : "#555";
  }
  var colours = {};
  ["none", "low", "mid", "high"].forEach(function (band) {
    colours[band] = swatch('[data-band="' + band + '"]', "backgroundColor");
  });
  var ring = swatch(".ring", "borderTopColor");

  // The wheel scrolls the page, not the map (zoom with the buttons, a pinch or the keys).
  var map = L.map(box, { scrollWheelZoom: false });
  if (box.dataset.tiles) {
    var note = document.querySelector("[data-tiles-failed]");
    L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution })
      .on("tileerror", function () { if (note) note.hidden = false; })
      .addTo(map);
  }

  function text(tag, value, parent) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (parent) parent.appendChild(el);
    return el;
  }

  function popup(row) {
    var div = document.createElement("div");
    var link = text("a", row.name, text("strong", "", div));
    link.href = row.url;
    text("div", row.percent ? row.percent + " (" + row.closed + ")" : box.dataset.noUnits, div);
    if (row.reasons.length) text("div", row.reasons.join(", "), div).className = "reasons";
    return div;
  }

  var markers = rows.map(function (row) {
    var behind = row.reasons.length > 0;
    return L.circleMarker([row.lat, row.lon], {
      radius: 8,
      fillColor: colours[row.band],
      fillOpacity: 0.9,
      color: behind ? ring : "#ffffff",
      weight: behind ? 3 : 1.5,
      className: "marker band-" + row.band
    })
      .bindPopup(function () { return popup(row); })
      .bindTooltip(text("span", row.name))
      .addTo(map);
  });
  if (markers.length) {
    map.fitBounds(L.featureGroup(markers).getBounds(), { padding: [40, 40], maxZoom: 15 });
  } else {
    map.setView([-6.2, 106.85], 11); // Jakarta
  }
})();
