/* ChargeDesk map: pile markers, live state, edit mode and search highlights on a folium/Leaflet page.
 *
 * The page embeds window.CD_DATA (see app/map_page.py): {mode: "overview"|"site", map: <folium map
 * variable>, plan: {w, h} (site mode), piles: [{id, code, short, name, station, lat, lng, placed}],
 * stations: [{code, name, lat, lng}] (overview), labels: {idle, charging, ...}}.
 * Python talks to the page with runJavaScript (setPileStates, setEditMode, focusPile, filterPiles …);
 * the page talks back through the QWebChannel object "mapBridge" (pileClicked, pileDragged,
 * mapClicked, stationClicked, ready). Outside Qt (a plain browser) the channel is simply absent.
 */
(function () {
  "use strict";

  var STATES = ["idle", "charging", "fault", "offline"];
  var PILE_ZOOM = 17;  // overview: piles appear from this zoom on (≈ 1.0 m per screen pixel)

  var CD = {
    data: null, map: null, bridge: null, piles: {}, stations: {},
    editMode: false, pickMode: false, selected: null, circle: null, pickMark: null,
    pileLayer: null, stationLayer: null
  };
  window.CD = CD;

  function parse(arg) { return typeof arg === "string" ? JSON.parse(arg) : arg; }
  function send(name) {
    var args = Array.prototype.slice.call(arguments, 1);
    if (CD.bridge && typeof CD.bridge[name] === "function") { CD.bridge[name].apply(CD.bridge, args); return true; }
    return false;
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  function label(key) { return (CD.data.labels && CD.data.labels[key]) || key; }

  /* ---- coordinates: site plans are pixels with y downwards; Leaflet's CRS.Simple has lat upwards */
  function toLatLng(x, y) { return L.latLng(CD.data.plan.h - y, x); }
  function toPlan(latlng) {
    var w = CD.data.plan.w, h = CD.data.plan.h;
    var x = Math.min(Math.max(latlng.lng, 0), w), y = Math.min(Math.max(h - latlng.lat, 0), h);
    return {x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10};
  }

  /* ---- markers */
  function pileHtml(p) {
    return '<div class="cd-pile cd-state-' + p.state + (p.placed ? "" : " cd-unplaced") + '" data-code="' +
      esc(p.code) + '"><div class="cd-dot"></div><div class="cd-badge"></div>' +
      '<div class="cd-label">' + esc(p.short) + "</div></div>";
  }
  function pileElement(p) { var el = p.marker.getElement(); return el ? el.querySelector(".cd-pile") : null; }

  function tooltipText(p) {
    var t = "<b>" + esc(p.name) + "</b><br>" + esc(p.code) + " · " + esc(label(p.state));
    if (p.charging > 0) t += " · " + esc(label("charging_ports")) + " " + p.charging + "/" + p.ports;
    if (!p.placed) t += "<br><i>" + esc(label("unplaced")) + "</i>";
    return t;
  }

  function renderPile(p) {
    var el = pileElement(p);
    if (!el) return;  // not on the map right now (hidden layer); drawn from p when it is added
    STATES.forEach(function (s) { el.classList.toggle("cd-state-" + s, s === p.state); });
    var badge = el.querySelector(".cd-badge");
    badge.textContent = p.charging > 0 ? String(p.charging) : "";
    badge.style.display = p.charging > 0 ? "block" : "none";
    el.classList.toggle("cd-selected", CD.selected === p.code);
    el.classList.toggle("cd-hit", p.hit === true);
    el.classList.toggle("cd-dim", p.hit === false);
    el.classList.toggle("cd-unplaced", !p.placed);
    if (p.marker.getTooltip()) p.marker.setTooltipContent(tooltipText(p));
  }

  function addPile(spec, index) {
    var p = {
      id: spec.id, code: spec.code, short: spec.short, name: spec.name, station: spec.station,
      ports: spec.ports || 0, placed: spec.placed !== false, state: spec.state || "offline", charging: 0,
      hit: null, marker: null
    };
    var latlng;
    if (CD.data.mode === "site") {
      latlng = p.placed ? toLatLng(spec.x, spec.y) : toLatLng(30 + 44 * index, CD.data.plan.h + 36);
    } else {
      latlng = L.latLng(spec.lat, spec.lng);
    }
    var icon = L.divIcon({className: "cd-pile-icon", html: pileHtml(p), iconSize: [30, 30], iconAnchor: [15, 15]});
    p.home = latlng;
    p.marker = L.marker(latlng, {icon: icon, draggable: false, keyboard: false, riseOnHover: true});
    p.marker.bindTooltip(tooltipText(p), {direction: "top", offset: [0, -14]});
    p.marker.on("add", function () { renderPile(p); });
    p.marker.on("click", function (e) {
      if (e && e.originalEvent) L.DomEvent.stopPropagation(e.originalEvent);
      CD.selected = p.code;
      Object.keys(CD.piles).forEach(function (c) { renderPile(CD.piles[c]); });
      send("pileClicked", p.id);
    });
    p.marker.on("dragend", function () {
      if (!CD.editMode || CD.data.mode !== "site") return;
      var pos = toPlan(p.marker.getLatLng());
      p.marker.setLatLng(toLatLng(pos.x, pos.y));
      p.placed = true;
      renderPile(p);
      send("pileDragged", p.id, pos.x, pos.y);
    });
    p.marker.addTo(CD.pileLayer);
    CD.piles[p.code] = p;
  }

  function stationHtml(s) {
    var chips = STATES.map(function (st) {
      return '<i class="cd-chip cd-chip-' + st + '" title="' + esc(label(st)) + '">' + (s.counts[st] || 0) + "</i>";
    }).join("");
    return '<div class="cd-station" data-code="' + esc(s.code) + '"><b>' + esc(s.name) + "</b>" +
      '<span class="cd-counts">' + chips + "</span></div>";
  }

  function addStation(spec) {
    var s = {code: spec.code, name: spec.name, counts: {}, marker: null};
    // the label stands just above the north edge of the community's plan, which stays visible below it
    var icon = L.divIcon({className: "cd-station-icon", html: stationHtml(s), iconSize: [150, 46], iconAnchor: [75, 50]});
    s.marker = L.marker([spec.top || spec.lat, spec.lng], {icon: icon, keyboard: false});
    s.marker.on("click", function (e) {
      if (e && e.originalEvent) L.DomEvent.stopPropagation(e.originalEvent);
      send("stationClicked", s.code);
    });
    s.marker.addTo(CD.stationLayer);
    CD.stations[s.code] = s;
  }

  function renderStations() {
    Object.keys(CD.stations).forEach(function (code) {
      var s = CD.stations[code], counts = {idle: 0, charging: 0, fault: 0, offline: 0};
      Object.keys(CD.piles).forEach(function (c) {
        var p = CD.piles[c];
        if (p.station === code) counts[p.state] = (counts[p.state] || 0) + 1;
      });
      s.counts = counts;
      var el = s.marker.getElement();
      if (el) el.innerHTML = stationHtml(s);
    });
  }

  function applyZoom() {
    if (CD.data.mode !== "overview") return;
    var z = CD.map.getZoom();
    if (z >= PILE_ZOOM) { if (!CD.map.hasLayer(CD.pileLayer)) CD.map.addLayer(CD.pileLayer); }
    else if (CD.map.hasLayer(CD.pileLayer) && !CD.selected) CD.map.removeLayer(CD.pileLayer);
  }

  function addLegend() {
    var legend = L.control({position: "bottomright"});
    legend.onAdd = function () {
      var div = L.DomUtil.create("div", "cd-legend");
      div.innerHTML = STATES.map(function (st) {
        return '<span><i class="cd-legend-dot cd-chip-' + st + '"></i>' + esc(label(st)) + "</span>";
      }).join("") + '<span><i class="cd-legend-badge">3</i>' + esc(label("legend_badge")) + "</span>";
      return div;
    };
    legend.addTo(CD.map);
  }

  function addGrid() {  // no street tiles: a faint 500 m-ish grid so the overview still reads as a map
    var b = L.latLngBounds(CD.data.stations.map(function (s) { return [s.lat, s.lng]; })).pad(4);
    var step = 0.005, style = {color: "#cfd6cc", weight: 1, interactive: false};
    for (var lat = Math.floor(b.getSouth() / step) * step; lat <= b.getNorth(); lat += step)
      L.polyline([[lat, b.getWest()], [lat, b.getEast()]], style).addTo(CD.map);
    for (var lng = Math.floor(b.getWest() / step) * step; lng <= b.getEast(); lng += step)
      L.polyline([[b.getSouth(), lng], [b.getNorth(), lng]], style).addTo(CD.map);
  }

  /* ---- API for Python (runJavaScript); every function returns something JSON-able */
  CD.setPileStates = function (list) {
    var n = 0;
    parse(list).forEach(function (u) {
      var p = CD.piles[u.code];
      if (!p) return;
      p.state = STATES.indexOf(u.state) >= 0 ? u.state : "offline";
      p.charging = u.charging || 0;
      renderPile(p);
      n += 1;
    });
    renderStations();
    return n;
  };

  CD.setEditMode = function (on) {
    CD.editMode = !!on && CD.data.mode === "site";
    Object.keys(CD.piles).forEach(function (c) {
      var m = CD.piles[c].marker;
      if (m.dragging) { if (CD.editMode) m.dragging.enable(); else m.dragging.disable(); }
    });
    document.body.classList.toggle("cd-editing", CD.editMode);
    return CD.editMode;
  };

  CD.focusPile = function (code) {
    var p = CD.piles[code];
    if (!p) return false;
    CD.selected = code;
    if (CD.data.mode === "overview") {
      if (!CD.map.hasLayer(CD.pileLayer)) CD.map.addLayer(CD.pileLayer);
      CD.map.setView(p.marker.getLatLng(), Math.max(CD.map.getZoom(), 18));
    } else if (!CD.map.getBounds().pad(-0.1).contains(p.marker.getLatLng())) {
      CD.map.panTo(p.marker.getLatLng());  // the whole plan stays in view when it can
    }
    Object.keys(CD.piles).forEach(function (c) { renderPile(CD.piles[c]); });
    p.marker.openTooltip();
    return true;
  };

  CD.filterPiles = function (codes) {
    codes = parse(codes);
    var set = null, n = 0;
    if (codes) { set = {}; codes.forEach(function (c) { set[c] = true; }); }
    Object.keys(CD.piles).forEach(function (c) {
      var p = CD.piles[c];
      p.hit = set === null ? null : !!set[c];
      if (p.hit) n += 1;
      renderPile(p);
    });
    return n;
  };

  CD.movePile = function (code, x, y) {  // x/y null: back to the row of piles not placed yet
    var p = CD.piles[code];
    if (!p || CD.data.mode !== "site") return false;
    p.placed = x !== null && y !== null;
    p.marker.setLatLng(p.placed ? toLatLng(x, y) : p.home);
    renderPile(p);
    return true;
  };

  CD.setPickMode = function (on) {
    CD.pickMode = !!on;
    document.body.classList.toggle("cd-picking", CD.pickMode);
    return CD.pickMode;
  };

  CD.showSearch = function (a, b, radius) {  // same coordinates as mapClicked; radius in m or plan px
    CD.clearSearch();
    var at = CD.data.mode === "site" ? toLatLng(a, b) : L.latLng(a, b);
    var style = {color: "#6a3fb5", weight: 2, dashArray: "6 4", fillOpacity: 0.06};
    CD.circle = L.circle(at, L.extend({radius: radius}, style)).addTo(CD.map);
    CD.pickMark = L.circleMarker(at, {radius: 4, color: "#6a3fb5", fillOpacity: 1}).addTo(CD.map);
    return true;
  };

  CD.clearSearch = function () {
    if (CD.circle) { CD.map.removeLayer(CD.circle); CD.circle = null; }
    if (CD.pickMark) { CD.map.removeLayer(CD.pickMark); CD.pickMark = null; }
    return true;
  };

  CD.pileInfo = function (code) {
    var p = CD.piles[code];
    if (!p) return null;
    var el = pileElement(p), ll = p.marker.getLatLng();
    var info = {state: p.state, charging: p.charging, lat: ll.lat, lng: ll.lng, hit: p.hit,
                draggable: !!(p.marker.dragging && p.marker.dragging.enabled()), rendered: !!el};
    if (CD.data.mode === "site") { var pos = toPlan(ll); info.x = pos.x; info.y = pos.y; }
    if (el) {
      var badge = el.querySelector(".cd-badge");
      info.colour = getComputedStyle(el.querySelector(".cd-dot")).backgroundColor;
      info.badge = badge.textContent;
      info.badgeShown = getComputedStyle(badge).display !== "none";
    }
    return info;
  };

  CD.stationInfo = function (code) {
    var s = CD.stations[code];
    return s ? {counts: s.counts} : null;
  };

  CD.clickPile = function (code) {
    var p = CD.piles[code];
    if (!p) return false;
    p.marker.fire("click");
    return true;
  };

  ["setPileStates", "setEditMode", "focusPile", "filterPiles", "movePile", "setPickMode"].forEach(function (f) {
    window[f] = CD[f];
  });

  /* ---- start-up */
  CD.init = function (data) {
    CD.data = data;
    CD.map = window[data.map];
    if (!CD.map) return false;
    if (CD.map.attributionControl) CD.map.attributionControl.setPrefix(false);  // no link out of the console
    CD.pileLayer = L.layerGroup();
    CD.stationLayer = L.layerGroup();
    if (data.mode === "site") CD.map.addLayer(CD.pileLayer);
    (data.stations || []).forEach(addStation);
    var unplaced = 0;
    data.piles.forEach(function (spec) { addPile(spec, spec.placed === false ? unplaced++ : 0); });
    renderStations();
    if (data.mode === "overview") {
      CD.map.addLayer(CD.stationLayer);
      CD.map.on("zoomend", applyZoom);
      applyZoom();
      L.control.scale({imperial: false}).addTo(CD.map);
      if (!data.tiles && data.stations.length) addGrid();
    }
    if (data.mode === "site") {  // keep the whole plan in view when the tab is resized, until the user moves the map
      var c = CD.map.getContainer();
      ["mousedown", "wheel", "touchstart", "keydown"].forEach(function (ev) {
        c.addEventListener(ev, function () { CD.userMoved = true; }, {passive: true});
      });
      CD.map.on("resize", function () {
        if (!CD.userMoved) CD.map.fitBounds([[data.unplaced ? -70 : 0, 0], [data.plan.h, data.plan.w]]);
      });
    }
    addLegend();
    CD.map.on("click", function (e) {  // overview: lat, lng; site plan: x, y in plan pixels
      if (data.mode === "site") { var pos = toPlan(e.latlng); send("mapClicked", pos.x, pos.y); }
      else send("mapClicked", e.latlng.lat, e.latlng.lng);
    });
    document.body.classList.add("cd-mode-" + data.mode);
    if (typeof QWebChannel !== "undefined" && window.qt && qt.webChannelTransport) {
      new QWebChannel(qt.webChannelTransport, function (channel) {
        CD.bridge = channel.objects.mapBridge || null;
        send("ready");
      });
    }
    CD.ready = true;
    return true;
  };

  document.addEventListener("DOMContentLoaded", function () { if (window.CD_DATA) CD.init(window.CD_DATA); });
})();
