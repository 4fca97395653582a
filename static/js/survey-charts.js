// Draws the Chart.js charts of the survey results pages and the monitor's dashboards. Each
// <canvas data-chart="{...}"> carries its configuration as JSON (built server-side from the same figures as the
// table beside it); no inline script, as the Content-Security-Policy forbids it. The table stays the accessible
// alternative. Charts in a region htmx swapped in are drawn after the swap.
(function () {
  "use strict";

  function draw(canvas) {
    var config;
    if (canvas.getAttribute("data-drawn")) {
      return;
    }
    try {
      config = JSON.parse(canvas.getAttribute("data-chart"));
    } catch (e) {
      return;
    }
    var percent = !!config.percent;
    new window.Chart(canvas, {
      type: config.type,
      data: { labels: config.labels, datasets: config.datasets },
      options: {
        // No animation: the figures appear at once, as in the table (and nothing moves for those who would
        // rather it did not).
        animation: false,
        maintainAspectRatio: false,
        spanGaps: false,
        scales: {
          y: {
            beginAtZero: true,
            max: percent ? 100 : undefined,
            ticks: percent ? { callback: function (v) { return v + "%"; } } : {}
          }
        },
        plugins: { legend: { display: config.datasets.length > 1 } }
      }
    });
    canvas.setAttribute("data-drawn", "1");
  }

  function init() {
    if (!window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  document.addEventListener("htmx:afterSettle", init);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
