// The map of the images page (served from /assets/map.js; the page allows no inline script).
// MapLibre GL JS draws Mapillary's vector tiles (the URL carries the app's public client token,
// never a user token), keeps the signed-in user's images (creator_id), and shows the thumbnail of
// an image when it is clicked. `#map[data-state]` is "loading", then "idle" once drawn, or "error".
/* global maplibregl */
(function () {
  const element = document.getElementById("map");
  if (element === null || typeof maplibregl === "undefined") return;
  const [lon, lat] = element.dataset.center.split(",").map(Number);
  const mine = ["==", ["to-string", ["get", "creator_id"]], element.dataset.userId];

  // The CSP build: its worker is a file of this app, not a blob.
  maplibregl.setWorkerUrl("/assets/maplibre-gl-csp-worker.js");
  const map = new maplibregl.Map({
    container: element,
    center: [lon, lat],
    zoom: 15,
    attributionControl: { compact: true, customAttribution: "Images © Mapillary" },
    style: {
      version: 8,
      sources: { mapillary: { type: "vector", tiles: [element.dataset.tiles], minzoom: 0, maxzoom: 14 } },
      layers: [
        { id: "background", type: "background", paint: { "background-color": "#f3f1ec" } },
        {
          id: "sequences",
          type: "line",
          source: "mapillary",
          "source-layer": "sequence",
          filter: mine,
          paint: { "line-color": "#05cb63", "line-width": 2, "line-opacity": 0.6 },
        },
        {
          id: "images",
          type: "circle",
          source: "mapillary",
          "source-layer": "image",
          filter: mine,
          paint: { "circle-radius": 5, "circle-color": "#05a370", "circle-stroke-color": "#fff", "circle-stroke-width": 1.5 },
        },
      ],
    },
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }));

  const panel = document.getElementById("thumbnail");
  const picture = panel.querySelector("img");
  const caption = document.getElementById("thumbnail-caption");
  map.on("click", "images", (event) => {
    const feature = event.features && event.features[0];
    if (feature === undefined) return;
    const id = String(feature.properties.id);
    picture.src = `/images/${encodeURIComponent(id)}/thumbnail`;
    picture.alt = `Image ${id}`;
    caption.textContent = `${id} · ${new Date(Number(feature.properties.captured_at)).toISOString().slice(0, 10)}`;
    panel.dataset.imageId = id;
    panel.hidden = false;
  });
  map.on("mouseenter", "images", () => (map.getCanvas().style.cursor = "pointer"));
  map.on("mouseleave", "images", () => (map.getCanvas().style.cursor = ""));
  map.on("idle", () => (element.dataset.state = "idle"));
  map.on("error", () => (element.dataset.state = "error"));
  // For tests and the browser console: the map instance.
  window.mlyMap = map;
})();
