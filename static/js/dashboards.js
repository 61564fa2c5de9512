/* perfgov dashboards, reports and the public page: ECharts drawings of the data tables.
 *
 * Every chart container is <div data-chart="kind" data-source="id" data-item="n">; its data is in
 * the <script type="application/json" id="id"> written by json_script (no inline script: the
 * CSP is script-src 'self'). Titles and axis names come translated in that data. Everything
 * works without this file: the tables beside the charts carry the same figures. */
(function () {
  "use strict";

  var FONT = getComputedStyle(document.body).fontFamily ||
    '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  var COLORS = ["#1d4f91", "#c2410c", "#15803d", "#7c3aed", "#a16207", "#0e7490", "#be123c", "#4d7c0f"];
  // The pattern of provisional values (inputs not yet approved): grey with diagonal hatching.
  var PROVISIONAL_DECAL = { symbol: "rect", symbolSize: 1, dashArrayX: [1, 0], dashArrayY: [2, 4], rotation: -0.785, color: "rgba(55,65,81,0.35)" };
  var STATUS = { on_track: "#1e7b34", behind: "#b7791f", at_risk: "#b42318", achieved: "#0b5cad", none: "#9aa5b1" };
  var HEALTH = { on_time: "#1e7b34", late: "#b7791f", missing: "#b42318", pending: "#9aa5b1" };
  var charts = [];

  function readJSON(id) {
    var el = document.getElementById(id);
    if (!el) return null;
    try { return JSON.parse(el.textContent); } catch (e) { return null; }
  }

  function num(v) { return v === null || v === undefined ? "-" : v; }
  function zero(v) { return v === null || v === undefined ? 0 : v; }
  function fixed(v, places) { return v === null || v === undefined || v === "-" ? "—" : Number(v).toFixed(places); }
  function wrap(text, width) {
    var out = "", s = String(text);
    for (var i = 0; i < s.length; i += width) out += (i ? "\n" : "") + s.slice(i, i + width);
    return out;
  }
  function shorten(text, max) { var s = String(text); return s.length > max ? s.slice(0, max - 1) + "…" : s; }

  function base() {
    return { animation: false, color: COLORS, textStyle: { fontFamily: FONT }, tooltip: { confine: true } };
  }

  function height(el, px) { el.style.height = px + "px"; }

  // A radar's category names around the web: wrapped to fit the container, and the web made
  // smaller when a name is long, so the longest name is never cut at the edge of a narrow screen.
  function radarShape(names, el, wide) {
    var narrow = el && el.clientWidth && el.clientWidth < 420;
    var width = narrow ? 4 : wide;
    var longest = names.reduce(function (m, n) { return Math.max(m, String(n).length); }, 0);
    var lines = Math.ceil(longest / width);
    var radius = narrow ? (lines > 1 ? "46%" : "54%") : (lines > 2 ? "50%" : "58%");
    return { width: width, radius: radius };
  }

  // A value axis of scores: from a round ten below the lowest value (never an odd 57), to a round
  // ten above the highest.
  function roundMin(v) { return Math.max(0, Math.floor((v.min - 2) / 10) * 10); }
  function roundMax(v) { return Math.ceil((v.max + 2) / 10) * 10; }

  var builders = {
    // One department: its categories as percent of points, and its group's average.
    radar: function (data, i, el) {
      var it = data.items[i];
      var o = base();
      var shape = radarShape(data.indicators.map(function (x) { return x.name; }), el, 5);
      o.legend = { bottom: 0, itemWidth: 14, textStyle: { fontSize: 11 } };
      o.tooltip.trigger = "item";
      o.radar = {
        indicator: data.indicators.map(function (x) { return { name: wrap(x.name, shape.width), max: x.max }; }),
        radius: shape.radius, center: ["50%", "46%"], axisName: { fontSize: 10, color: "#374151" }
      };
      o.series = [{
        type: "radar",
        data: [
          { name: data.text.own, value: it.values.map(zero), areaStyle: { opacity: 0.15 },
            lineStyle: { color: COLORS[0] }, itemStyle: { color: COLORS[0] } },
          { name: data.text.average, value: it.average.map(zero),
            lineStyle: { color: COLORS[1], type: "dashed" }, itemStyle: { color: COLORS[1] } }
        ]
      }];
      return o;
    },

    // Two years of one department (or one year on the public page).
    radar2: function (data, i, el) {
      var o = base();
      var shape = radarShape(data.indicators.map(function (x) { return x.name; }), el, 6);
      o.legend = { bottom: 0 };
      o.tooltip.trigger = "item";
      o.radar = {
        indicator: data.indicators.map(function (x) { return { name: wrap(x.name, shape.width), max: x.max }; }),
        radius: shape.radius, center: ["50%", "47%"], axisName: { fontSize: 11, color: "#374151" }
      };
      o.series = [{
        type: "radar",
        data: data.series.map(function (s, k) {
          return { name: s.name, value: s.values.map(zero), areaStyle: { opacity: k ? 0.05 : 0.18 },
            lineStyle: { type: k ? "dashed" : "solid" } };
        })
      }];
      return o;
    },

    heatmap: function (data, i, el) {
      height(el, Math.max(280, 90 + data.y.length * 24));
      var o = base();
      o.tooltip.formatter = function (p) {
        return data.y[p.value[1]] + " · " + data.x[p.value[0]] + ": " + fixed(p.value[2], 1) + "%";
      };
      o.grid = { left: 8, right: 16, top: 8, bottom: 56, containLabel: true };
      o.xAxis = { type: "category", data: data.x, position: "top",
        axisLabel: { interval: 0, fontSize: 11, formatter: function (v) { return wrap(v, 5); } }, splitArea: { show: true } };
      o.yAxis = { type: "category", data: data.y, inverse: true, axisLabel: { fontSize: 11 }, splitArea: { show: true } };
      o.visualMap = { min: 0, max: 100, orient: "horizontal", left: "center", bottom: 4, itemHeight: 160,
        seriesIndex: 0, text: [data.text.high, data.text.low], inRange: { color: ["#b42318", "#f4d35e", "#1e7b34"] } };
      // Provisional cells (inputs pending, missing or left out) are grey and hatched, never a red zero.
      o.legend = { top: 0, right: 0, data: [data.text.provisional], textStyle: { fontSize: 11 } };
      o.grid.top = 28;
      o.series = [
        { type: "heatmap", data: data.values,
          label: { show: true, fontSize: 10, formatter: function (p) { return fixed(p.value[2], 0); } } },
        { type: "heatmap", name: data.text.provisional, data: data.provisional || [],
          itemStyle: { color: "#d1d5db", decal: PROVISIONAL_DECAL },
          label: { show: true, fontSize: 10, color: "#374151",
            formatter: function (p) { return p.value[2] == null ? "—" : fixed(p.value[2], 0) + "*"; } } }
      ];
      return o;
    },

    ranking: function (data, i, el) {
      var g = data.items[i];
      height(el, Math.max(160, 40 + g.departments.length * 26));
      var o = base();
      o.tooltip.trigger = "axis";
      o.grid = { left: 8, right: 48, top: 8, bottom: 8, containLabel: true };
      // Bars start at zero and every group shares the 0–100 scale (more only with bonus points):
      // a bar's length is the total, so 86 never looks like a tenth of 98.
      o.xAxis = { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); },
        axisLabel: { fontSize: 10 } };
      o.yAxis = { type: "category", inverse: true, axisLabel: { fontSize: 11 },
        data: g.departments.map(function (d, k) { return (g.ranks[k] == null ? "—" : g.ranks[k]) + ". " + shorten(d, 10); }) };
      var colour = COLORS[i % COLORS.length];
      // A provisional total is drawn grey and hatched and marked "*" (the panel's note says why).
      o.series = [{ type: "bar", name: data.text.total, barMaxWidth: 16,
        data: g.totals.map(function (v, k) {
          return (g.provisional || [])[k] ? { value: v, itemStyle: { color: "#d1d5db", decal: PROVISIONAL_DECAL } } : v;
        }),
        itemStyle: { color: colour },
        label: { show: true, position: "right", fontSize: 10, formatter: function (p) {
          return fixed(p.value, 2) + ((g.provisional || [])[p.dataIndex] ? "*" : ""); } } }];
      return o;
    },

    trend: function (data) {
      var o = base();
      o.tooltip.trigger = "axis";
      o.legend = { bottom: 0, type: "scroll" };
      o.grid = { left: 8, right: 16, top: 28, bottom: 32, containLabel: true };
      o.xAxis = { type: "category", data: data.x };
      o.yAxis = { type: "value", min: roundMin, max: roundMax, interval: 10, name: data.text.y,
        nameTextStyle: { align: "left" } };
      o.series = data.series.map(function (s) {
        return { type: "line", name: s.name, data: s.values.map(num), symbolSize: 6, connectNulls: false };
      });
      return o;
    },

    // Actual progress as bars coloured by status; the planned progress as a mark on each bar.
    progress: function (data, i, el) {
      height(el, Math.max(220, 70 + data.labels.length * 24));
      var o = base();
      o.tooltip.trigger = "axis";
      o.legend = { top: 0, data: [data.text.actual, data.text.planned] };
      o.grid = { left: 8, right: 24, top: 32, bottom: 8, containLabel: true };
      o.yAxis = { type: "category", inverse: true, data: data.labels.map(function (l) { return shorten(l, 14); }),
        axisLabel: { fontSize: 11 } };
      o.xAxis = { type: "value", name: "%", min: 0,
        max: function (v) { return Math.max(100, Math.ceil(v.max / 10) * 10); } };
      o.series = [
        { type: "bar", name: data.text.actual, barMaxWidth: 14, itemStyle: { color: STATUS.on_track },
          data: data.actual.map(function (v, k) {
            return { value: num(v), itemStyle: { color: STATUS[data.status[k]] || STATUS.none } };
          }) },
        { type: "scatter", name: data.text.planned, symbol: "rect", symbolSize: [3, 18], z: 5,
          itemStyle: { color: "#111827" }, data: data.planned.map(num) }
      ];
      return o;
    },

    health: function (data) {
      var o = base();
      o.tooltip.trigger = "axis";
      o.legend = { bottom: 0 };
      o.grid = { left: 8, right: 16, top: 28, bottom: 32, containLabel: true };
      o.xAxis = { type: "category", data: data.x };
      o.yAxis = { type: "value", name: data.text.y, minInterval: 1, nameTextStyle: { align: "left" } };
      o.series = data.series.map(function (s) {
        return { type: "bar", name: s.name, stack: "reports", data: s.values, barMaxWidth: 48,
          itemStyle: { color: HEALTH[s.key] } };
      });
      return o;
    },

    budget: function (data, i, el) {
      if (data.labels.length > 8) height(el, Math.max(300, 120 + data.labels.length * 14));
      var o = base();
      o.tooltip.trigger = "axis";
      o.legend = { bottom: 0 };
      o.grid = { left: 8, right: 8, top: 28, bottom: 32, containLabel: true };
      o.xAxis = { type: "category", data: data.labels,
        axisLabel: { interval: 0, rotate: data.labels.length > 6 ? 35 : 0, fontSize: 11,
          formatter: function (v) { return shorten(v, 8); } } };
      o.yAxis = [{ type: "value", name: data.text.money }, { type: "value", name: "%", min: 0, max: 100, splitLine: { show: false } }];
      o.series = [
        { type: "bar", name: data.text.amount, data: data.amount.map(num), barMaxWidth: 22 },
        { type: "bar", name: data.text.spent, data: data.spent.map(num), barMaxWidth: 22 },
        { type: "line", name: data.text.rate, yAxisIndex: 1, data: data.rate.map(num), symbolSize: 6 }
      ];
      return o;
    },

    recommendations: function (data) {
      var o = base();
      o.tooltip.trigger = "axis";
      o.legend = { bottom: 0 };
      o.grid = { left: 8, right: 8, top: 28, bottom: 32, containLabel: true };
      o.xAxis = { type: "category", data: data.labels, axisLabel: { interval: 0, fontSize: 11,
        formatter: function (v) { return wrap(v, 6); } } };
      o.yAxis = { type: "value", name: data.text.money };
      o.series = [
        { type: "bar", name: data.text.base, data: data.base.map(num), barMaxWidth: 28 },
        { type: "bar", name: data.text.amount, data: data.amount.map(num), barMaxWidth: 28 }
      ];
      return o;
    },

    // Satisfaction rate with its 95 percent interval in the tooltip.
    satisfaction: function (data, i, el) {
      height(el, Math.max(200, 60 + data.labels.length * 30));
      var o = base();
      o.tooltip.trigger = "axis";
      o.tooltip.formatter = function (ps) {
        var k = ps[0].dataIndex;
        return data.labels[k] + "<br>" + data.text.rate + ": " + fixed(data.rate[k], 2) + "<br>" +
          data.text.interval + ": " + fixed(data.low[k], 2) + " – " + fixed(data.high[k], 2) + "<br>" +
          data.text.score + ": " + fixed(data.score[k], 2);
      };
      o.grid = { left: 8, right: 48, top: 8, bottom: 8, containLabel: true };
      o.xAxis = { type: "value", min: 0, max: 100, name: "%" };
      o.yAxis = { type: "category", inverse: true, data: data.labels.map(function (l) { return shorten(l, 14); }),
        axisLabel: { fontSize: 11 } };
      o.series = [{ type: "bar", name: data.text.rate, data: data.rate.map(num), barMaxWidth: 18,
        label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return fixed(p.value, 1); } } }];
      return o;
    }
  };

  function draw(el) {
    var kind = el.getAttribute("data-chart");
    var build = builders[kind];
    var data = readJSON(el.getAttribute("data-source"));
    if (!build || !data || !window.echarts) return false;
    var option = build(data, parseInt(el.getAttribute("data-item") || "0", 10), el);
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    el.setAttribute("data-drawn", "1");
    charts.push(chart);
    return true;
  }

  function init() {
    var drawn = 0;
    document.querySelectorAll("[data-chart]").forEach(function (el) { if (draw(el)) drawn += 1; });
    // With the charts drawn, the data tables fold into their <details> (still one click or key away).
    if (drawn) {
      document.querySelectorAll("details[data-charted-collapse]").forEach(function (d) { d.removeAttribute("open"); });
    }
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  var resizing = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
  window.addEventListener("beforeprint", function () { charts.forEach(function (c) { c.resize(); }); });

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
