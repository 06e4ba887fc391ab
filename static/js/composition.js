// Draws the composition page's charts from the JSON it carries (json_script): no inline script.
// Each chart shows the rows of the table beside it.
(function () {
  if (typeof Chart === "undefined") return;
  var element = document.getElementById("composition-data");
  if (!element) return;
  var data = JSON.parse(element.textContent);
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }
  data.dimensions.forEach(function (dimension) {
    draw("chart-" + dimension.key, {
      type: "bar",
      data: {
        labels: dimension.labels,
        datasets: [{ label: dimension.label, data: dimension.counts }],
      },
      options: {
        // Many categories (54 ethnic groups) read better lying down.
        indexAxis: dimension.labels.length > 8 ? "y" : "x",
        plugins: { legend: { display: false } },
      },
    });
  });
  if (data.years.labels.length) {
    draw("chart-years", {
      type: "bar",
      data: {
        labels: data.years.labels,
        datasets: data.years.series.map(function (series) {
          return { label: series.label, data: series.data };
        }),
      },
      options: { scales: { x: { stacked: true }, y: { stacked: true } } },
    });
  }
})();
