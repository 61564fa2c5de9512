/* Satisfaction surveys: the one-part-at-a-time public form and the results charts.
 * Everything works without it: the form then shows every part at once, and every chart has
 * its data as a table next to it. */
(function () {
  "use strict";

  // --- Public form: one question group at a time ------------------------------------------
  function unanswered(q, form) {
    var kind = q.getAttribute("data-required");
    if (kind === "choice") return !q.querySelector("input[type=radio]:checked");
    if (kind === "select") return !q.querySelector("select").value;
    var field = q.querySelector("textarea, input");
    return !field || !field.value.trim();
  }

  function setError(q, message) {
    var box = q.querySelector(".sv-error");
    q.classList.toggle("sv-has-error", !!message);
    if (message) q.setAttribute("aria-invalid", "true"); else q.removeAttribute("aria-invalid");
    var field = q.querySelector("textarea, input:not([type=radio]), select");
    if (field) {
      if (message) field.setAttribute("aria-invalid", "true"); else field.removeAttribute("aria-invalid");
    }
    if (box) box.textContent = message || "";
  }

  function checkStep(step, form) {
    var first = null;
    step.querySelectorAll("[data-required]").forEach(function (q) {
      if (unanswered(q, form)) {
        var kind = q.getAttribute("data-required");
        setError(q, form.getAttribute("data-msg-" + kind) || "");
        if (!first) first = q;
      }
    });
    if (first) {
      var target = first.querySelector("input, textarea, select");
      if (target) target.focus();
      return false;
    }
    return true;
  }

  function initStepper(form) {
    var steps = Array.prototype.slice.call(form.querySelectorAll(".sv-step"));
    if (steps.length < 2) return;
    form.classList.add("sv-js");
    var current = 0;
    for (var i = 0; i < steps.length; i++) {
      if (steps[i].querySelector(".sv-has-error")) { current = i; break; }
    }

    function show(index, focus) {
      current = index;
      steps.forEach(function (s, j) { s.hidden = j !== index; });
      if (focus) {
        var heading = steps[index].querySelector(".sv-h2");
        window.scrollTo(0, 0);
        if (heading) heading.focus();
      }
    }

    steps.forEach(function (step, index) {
      var nav = step.querySelector(".sv-nav");
      if (nav) nav.hidden = false;
      var prev = step.querySelector(".sv-prev");
      if (prev) {
        prev.hidden = false;
        prev.addEventListener("click", function () { show(index - 1, true); });
      }
      var next = step.querySelector(".sv-next");
      if (next) {
        next.addEventListener("click", function () {
          if (checkStep(step, form)) show(index + 1, true);
        });
      }
      // Clear a question's error as soon as it is answered.
      step.addEventListener("change", function (e) {
        var q = e.target.closest("[data-required]");
        if (q && !unanswered(q, form)) setError(q, "");
      });
    });

    form.addEventListener("submit", function (e) {
      // Enter in a text field submits the form: on an early part, go to the next part instead.
      if (current < steps.length - 1) {
        e.preventDefault();
        if (checkStep(steps[current], form)) show(current + 1, true);
        return;
      }
      if (!checkStep(steps[current], form)) {
        e.preventDefault();
        return;
      }
      var button = form.querySelector(".sv-submit");
      if (button) button.disabled = true; // one click, one response
    });

    show(current, false);
    var summary = document.getElementById("sv-error-summary");
    if (summary) summary.focus();
  }

  // --- Results charts (ECharts, vendored) ---------------------------------------------------
  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function rateChart(el, data, text) {
    var n = data.labels.length;
    var labels = data.labels.slice().reverse();
    var rev = function (a) { return a.slice().reverse(); };
    var rate = rev(data.rate), low = rev(data.low), high = rev(data.high), score = rev(data.score);
    el.style.height = Math.max(220, 60 + n * 34) + "px";
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 24, top: 34, bottom: 24, containLabel: true },
      legend: { top: 0, data: [text.rate, text.interval, text.score] },
      tooltip: {
        trigger: "axis",
        axisPointer: { type: "shadow" },
        formatter: function (items) {
          var i = items[0].dataIndex;
          return labels[i] + "<br>" + text.rate + ": " + rate[i] + "%<br>" + text.interval + ": " +
            low[i] + "% – " + high[i] + "%<br>" + text.score + ": " + score[i];
        }
      },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", data: labels, axisLabel: { width: 140, overflow: "truncate" } },
      series: [
        { name: text.rate, type: "bar", data: rate, barMaxWidth: 18, itemStyle: { color: "#1d4f91" },
          label: { show: true, position: "insideLeft", color: "#fff", formatter: "{c}" } },
        {
          name: text.interval, type: "custom", data: labels.map(function (_, i) { return [i, low[i], high[i]]; }),
          encode: { x: [1, 2], y: 0 }, itemStyle: { color: "#8a5a00" },
          renderItem: function (params, api) {
            var y = api.value(0);
            var a = api.coord([api.value(1), y]), b = api.coord([api.value(2), y]);
            var h = api.size([0, 1])[1] * 0.3;
            var style = { stroke: "#8a5a00", lineWidth: 1.5 };
            return { type: "group", children: [
              { type: "line", shape: { x1: a[0], y1: a[1], x2: b[0], y2: b[1] }, style: style },
              { type: "line", shape: { x1: a[0], y1: a[1] - h / 2, x2: a[0], y2: a[1] + h / 2 }, style: style },
              { type: "line", shape: { x1: b[0], y1: b[1] - h / 2, x2: b[0], y2: b[1] + h / 2 }, style: style }
            ] };
          }
        },
        { name: text.score, type: "scatter", data: score, symbol: "diamond", symbolSize: 10,
          itemStyle: { color: "#1e7b34" } }
      ]
    });
    return chart;
  }

  function quotaChart(el, data, text) {
    var chart = window.echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 8, top: 34, bottom: 8, containLabel: true },
      legend: { top: 0, data: [text.quota, text.received] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value" },
      series: [
        { name: text.quota, type: "bar", data: data.quota, itemStyle: { color: "#c9d3e0" }, barGap: "-100%" },
        { name: text.received, type: "bar", data: data.received, itemStyle: { color: "#1d4f91" }, barMaxWidth: 28 }
      ]
    });
    return chart;
  }

  function initCharts(root) {
    if (!window.echarts) return;
    var charts = [];
    root.querySelectorAll("[data-sv-chart]").forEach(function (el) {
      var data = readJSON(el.getAttribute("data-source"));
      var text = readJSON("sv-chart-text") || {};
      if (!data || !data.labels || !data.labels.length) return;
      charts.push(el.getAttribute("data-sv-chart") === "quota" ? quotaChart(el, data, text) : rateChart(el, data, text));
    });
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-stepper]");
    if (form) initStepper(form);
    initCharts(document);
  });
})();
