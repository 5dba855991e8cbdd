// Draws each table of numbers (dashboard, public statistics) as a bar chart (Chart.js, vendored); the table below each chart stays the source.
(function () {
  "use strict";
  if (typeof Chart === "undefined") return;
  var colours = ["#1565c0", "#8a1c1c", "#2e7d32", "#6a1b9a", "#ef6c00"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) return;
    var table = JSON.parse(source.textContent);
    if (!table.rows.length) { canvas.parentNode.hidden = true; return; }
    // Response-time tables: columns [label, n, p50, p90]; plot the percentiles. Others: every numeric column.
    var first = table.columns.length === 4 && table.slug.indexOf("-by-") > 0 ? 2 : 1;
    var datasets = [];
    for (var c = first; c < table.columns.length; c++) {
      datasets.push({
        label: table.columns[c],
        data: table.rows.map(function (row) { return row[c]; }),
        backgroundColor: colours[(c - first) % colours.length]
      });
    }
    new Chart(canvas, {
      type: "bar",
      data: { labels: table.rows.map(function (row) { return row[0]; }), datasets: datasets },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: table.stacked ? { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } : {}
      }
    });
    canvas.setAttribute("data-drawn", "true");
  });
})();
