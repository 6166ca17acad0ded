// The league's rank trend, drawn with the vendored ECharts from the numbers the page embeds
// (json_script "league-data"); the same numbers are in the table beside the chart.
(function () {
  "use strict";
  const source = document.getElementById("league-data");
  const el = document.querySelector("[data-chart=league]");
  if (!source || !el || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const palette = ["#1849a9", "#067647", "#b54708", "#6941c6", "#c11574", "#0e7090", "#7a2e0e", "#344054", "#b42318", "#4e5ba6"];
  const narrow = el.clientWidth < 560;
  const rows = Math.ceil(data.units.length / (narrow ? 3 : 5));
  const legendHeight = rows * 26 + 16;
  el.style.height = legendHeight + (narrow ? 300 : 340) + "px";
  const chart = echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1f2328" },
    color: palette,
    legend: { top: 0, type: "plain" },
    grid: { left: 8, right: 24, top: legendHeight, bottom: 24, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.months, boundaryGap: false },
    yAxis: { type: "value", inverse: true, min: 1, max: Math.max(1, data.count), minInterval: 1 },
    series: data.units.map(function (u) {
      return { name: u.name, type: "line", data: u.ranks, symbolSize: 7, connectNulls: false };
    }),
  });
  el.dataset.drawn = "true";
  window.addEventListener("resize", function () { chart.resize(); });
})();
