// Kizuna front-end glue. No inline scripts (the CSP forbids them); htmx does the rest.
document.addEventListener("htmx:configRequest", function (evt) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta) { evt.detail.headers["X-CSRF-Token"] = meta.content; }
});
document.addEventListener("click", function (evt) {
  var el = evt.target.closest("code.copy");
  if (el && navigator.clipboard) { navigator.clipboard.writeText(el.textContent.trim()); el.classList.add("copied"); }
  var confirmEl = evt.target.closest("[data-confirm]");
  if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) { evt.preventDefault(); }
});
// Charts: any <canvas data-chart='{"type":..., "data":...}'> is drawn with the vendored Chart.js when present.
function kizunaDrawCharts(root) {
  if (!window.Chart) { return; }
  (root || document).querySelectorAll("canvas[data-chart]").forEach(function (c) {
    if (c.dataset.drawn) { return; }
    c.dataset.drawn = "1";
    try { new window.Chart(c, JSON.parse(c.dataset.chart)); } catch (e) { console.error(e); }
  });
}
document.addEventListener("DOMContentLoaded", function () { kizunaDrawCharts(document); });
document.addEventListener("htmx:afterSwap", function (evt) { kizunaDrawCharts(evt.target); });
