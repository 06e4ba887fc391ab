// Draws the dashboard's charts from the JSON the page carries (json_script): no inline script.
(function () {
  if (typeof Chart === "undefined") return;
  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  var labels = {
    members: document.querySelector("#series-table thead th:nth-child(2)"),
    organizations: document.querySelector("#series-table thead th:nth-child(3)"),
    admitted: document.querySelector("#series-table thead th:nth-child(4)"),
    target: document.querySelector("#series-table thead th:nth-child(5)"),
  };
  function text(element) { return element ? element.textContent : ""; }
  var series = data("series-data");
  if (series) {
    draw("chart-growth", {
      type: "line",
      data: {
        labels: series.labels,
        datasets: [
          { label: text(labels.members), data: series.members, yAxisID: "y" },
          { label: text(labels.organizations), data: series.organizations, yAxisID: "y1" },
        ],
      },
      options: { scales: { y: { position: "left" }, y1: { position: "right" } } },
    });
    draw("chart-admissions", {
      type: "bar",
      data: {
        labels: series.labels,
        datasets: [
          { label: text(labels.admitted), data: series.admitted },
          { label: text(labels.target), data: series.admission_target, type: "line" },
        ],
      },
    });
  }
  var ownership = data("ownership-data");
  if (ownership) {
    draw("chart-ownership", {
      type: "doughnut",
      data: { labels: Object.keys(ownership), datasets: [{ data: Object.values(ownership) }] },
      options: { aspectRatio: 2 },
    });
  }
  var coverage = data("coverage-data");
  if (coverage) {
    var rows = document.querySelectorAll("#coverage-table td:first-child");
    draw("chart-coverage", {
      type: "bar",
      data: {
        labels: [rows[1], rows[2], rows[3]].map(text),
        datasets: [{ label: text(rows[0]), data: [coverage.party, coverage.trade_union, coverage.youth_union] }],
      },
      options: { indexAxis: "y", scales: { x: { max: coverage.total } } },
    });
  }
})();
