// The full-size image viewer, like Slack's: a click on a thumbnail (app.js renders each image as a
// <button class="thumb" data-full data-title data-download>) opens the image over the page with its
// title; ‹ › and the arrow keys step through the images of the same pane; Esc, ✕ or a click
// outside the image closes it and gives focus back to the thumbnail.
"use strict";

const viewer = { items: [], index: 0, pane: null, opener: null };

function viewerEl(id) {
  return document.getElementById(id);
}

function thumbsOf(pane) {
  return [...pane.querySelectorAll("button.thumb[data-full]")];
}

function openViewer(thumb) {
  const pane = thumb.closest(".messages") || document.body;
  const thumbs = thumbsOf(pane);
  viewer.items = thumbs.map((t) => ({ src: t.dataset.full, title: t.dataset.title, download: t.dataset.download }));
  viewer.index = Math.max(0, thumbs.indexOf(thumb));
  viewer.pane = pane;
  viewer.opener = thumb;
  viewerEl("viewer").hidden = false;
  document.body.classList.add("viewer-open");
  showItem();
  viewerEl("viewer-close").focus();
}

function showItem() {
  const item = viewer.items[viewer.index];
  const many = viewer.items.length > 1;
  const img = viewerEl("viewer-image");
  img.src = item.src;
  img.alt = item.title || "";
  viewerEl("viewer-title").textContent = item.title || "Image";
  viewerEl("viewer-count").textContent = many ? `${viewer.index + 1} of ${viewer.items.length}` : "";
  viewerEl("viewer-open").href = item.src;
  const download = viewerEl("viewer-download");
  download.hidden = !item.download;
  if (item.download) download.href = item.download;
  viewerEl("viewer-prev").hidden = !many;
  viewerEl("viewer-next").hidden = !many;
}

function stepViewer(delta) {
  const n = viewer.items.length;
  if (n < 2) return;
  viewer.index = (viewer.index + delta + n) % n;
  showItem();
}

function closeViewer() {
  if (viewerEl("viewer").hidden) return;
  viewerEl("viewer").hidden = true;
  viewerEl("viewer-image").removeAttribute("src");
  document.body.classList.remove("viewer-open");
  // The page may have re-rendered meanwhile: focus the thumbnail now at the same place.
  const again = viewer.pane && thumbsOf(viewer.pane)[viewer.index];
  const target = viewer.opener?.isConnected ? viewer.opener : again;
  target?.focus({ preventScroll: true });
}

document.addEventListener("click", (ev) => {
  const thumb = ev.target.closest?.("button.thumb[data-full]");
  if (thumb) { ev.preventDefault(); openViewer(thumb); }
});

document.addEventListener("keydown", (ev) => {
  if (viewerEl("viewer")?.hidden !== false) return;
  const keys = { Escape: closeViewer, ArrowLeft: () => stepViewer(-1), ArrowRight: () => stepViewer(1) };
  if (keys[ev.key]) { ev.preventDefault(); keys[ev.key](); }
  else if (ev.key === "Tab") keepFocusInside(ev);
});

// A modal dialog: Tab cycles through the viewer's own controls.
function keepFocusInside(ev) {
  const controls = [...viewerEl("viewer").querySelectorAll("a[href]:not([hidden]), button:not([hidden])")];
  if (!controls.length) return;
  const at = controls.indexOf(document.activeElement);
  const next = ev.shiftKey ? (at <= 0 ? controls.length - 1 : at - 1) : (at + 1) % controls.length;
  ev.preventDefault();
  controls[next].focus();
}

document.addEventListener("DOMContentLoaded", () => {
  viewerEl("viewer-close").addEventListener("click", closeViewer);
  viewerEl("viewer-prev").addEventListener("click", () => stepViewer(-1));
  viewerEl("viewer-next").addEventListener("click", () => stepViewer(1));
  viewerEl("viewer").addEventListener("click", (ev) => {
    if (ev.target.classList.contains("viewer-stage")) closeViewer(); // the dark area, not the image
  });
});

window.segbotViewer = { openViewer, closeViewer, stepViewer };
