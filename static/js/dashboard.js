// The dashboard's charts, drawn with the vendored ECharts from the numbers the page embeds
// (json_script "dashboard-data"); each chart's numbers are also in the table below it.
(function () {
  "use strict";
  const source = document.getElementById("dashboard-data");
  if (!source || !window.echarts) return;
  const data = JSON.parse(source.textContent);
  const words = data.labels;
  const colours = { standard: "#1849a9", demonstration: "#b54708", target: "#1f2328", levels: ["#1849a9", "#067647", "#7a2e0e", "#6941c6"] };
  const text = { fontFamily: getComputedStyle(document.body).fontFamily, color: "#1f2328" };
  const charts = [];

  function narrow(el) { return el.clientWidth < 560; }

  // A legend that wraps instead of scrolling (every entry stays readable on a phone), and the
  // room it takes above the plot: ``perRow`` entries a line.
  function legend(count, perRow, selected) {
    const rows = Math.ceil(count / perRow);
    return { option: { top: 0, type: "plain", selected: selected || {} }, height: rows * 26 + 16 };
  }

  function draw(el, option) {
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false, textStyle: text }, option));
    charts.push(chart);
    return chart;
  }

  // Per child unit: titles held (bars) and the targets (a tick across each bar).
  function bars(el) {
    const b = data.bars;
    const key = legend(4, narrow(el) ? 2 : 4);
    el.style.height = Math.max(220, b.names.length * 56 + key.height + 50) + "px";
    const tick = { type: "scatter", symbol: "rect", symbolSize: [4, 22], z: 5 };
    draw(el, {
      legend: key.option,
      grid: { left: 8, right: 24, top: key.height, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", data: b.names, inverse: true,
        axisLabel: { width: narrow(el) ? 84 : 160, overflow: "break", interval: 0 },
      },
      series: [
        { name: words.standard, type: "bar", data: b.standard, itemStyle: { color: colours.standard }, barGap: "10%" },
        { name: words.demonstration, type: "bar", data: b.demonstration, itemStyle: { color: colours.demonstration } },
        Object.assign({ name: words.standard_target, data: b.standard_target, itemStyle: { color: colours.target } }, tick),
        Object.assign({ name: words.demonstration_target, data: b.demonstration_target, itemStyle: { color: "#98a2b3" } }, tick),
      ],
    });
  }

  // Cumulative rates per level and year, with the campaign's targets as dashed lines: one colour
  // a level (its legend entry shows and hides both its lines), 达标 solid, 示范 dotted.
  function trend(el) {
    const t = data.trend;
    const series = [];
    const kinds = [];
    t.levels.forEach(function (level, i) {
      const colour = colours.levels[i % colours.levels.length];
      series.push({ name: level.label, type: "line", data: level.standard, symbolSize: 8, itemStyle: { color: colour } });
      kinds.push(words.standard_rate);
      series.push({ name: level.label, type: "line", data: level.demonstration, symbol: "triangle", symbolSize: 8, itemStyle: { color: colour }, lineStyle: { type: "dotted", width: 2 } });
      kinds.push(words.demonstration_rate);
    });
    series.push({ name: words.standard_target, type: "line", data: t.standard_percent, symbol: "none", itemStyle: { color: colours.target }, lineStyle: { type: "dashed", width: 2 } });
    kinds.push("");
    series.push({ name: words.demonstration_target, type: "line", data: t.demonstration_percent, symbol: "none", itemStyle: { color: "#667085" }, lineStyle: { type: "dashed", width: 1 } });
    kinds.push("");
    const key = legend(t.levels.length + 2, narrow(el) ? 2 : 6);
    el.style.height = key.height + (narrow(el) ? 280 : 320) + "px";
    draw(el, {
      legend: key.option,
      grid: { left: 8, right: 24, top: key.height, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: function (points) {
          return [points[0].axisValueLabel].concat(points.map(function (p) {
            const v = p.value == null ? "–" : p.value + " %";
            return p.marker + p.seriesName + (kinds[p.seriesIndex] ? " · " + kinds[p.seriesIndex] : "") + "：" + v;
          })).join("<br>");
        },
      },
      xAxis: { type: "category", data: t.years.map(String), boundaryGap: false },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value} %" } },
      series: series,
    });
  }

  // Assessments of the year in each state, in the order of the workflow.
  function workflow(el) {
    const w = data.workflow;
    el.style.height = Math.max(260, w.labels.length * 40 + 60) + "px";
    draw(el, {
      grid: { left: 8, right: 40, top: 8, bottom: 24, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: w.labels, inverse: true, axisLabel: { interval: 0 } },
      series: [{
        name: words.assessments, type: "bar",
        data: w.counts, itemStyle: { color: colours.standard },
        label: { show: true, position: "right" },
      }],
    });
  }

  const painters = { bars: bars, trend: trend, workflow: workflow };
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    const paint = painters[el.dataset.chart];
    if (paint && (el.dataset.chart !== "bars" || data.bars)) paint(el);
  });

  function resize() { charts.forEach(function (c) { c.resize(); }); }
  window.addEventListener("resize", resize);
  // Printed on A4, the charts take the width of the page, then the screen's again.
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize({ width: 640 }); }); });
  window.addEventListener("afterprint", function () { charts.forEach(function (c) { c.resize({ width: "auto" }); }); });
})();
