/* perfgov: small progressive enhancements. Everything works without it. */
(function () {
  "use strict";

  // Sortable tables: <th data-sort="num|text"> in a <table class="pg-sortable">.
  function cellValue(row, index, kind) {
    var cell = row.children[index];
    var raw = cell ? (cell.getAttribute("data-value") || cell.textContent.trim()) : "";
    if (kind === "num") {
      var n = parseFloat(raw.replace(/[^0-9.\-]/g, ""));
      return isNaN(n) ? -Infinity : n;
    }
    return raw;
  }

  function sortBy(th) {
    var table = th.closest("table");
    var tbody = table.tBodies[0];
    if (!tbody) return;
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var kind = th.getAttribute("data-sort");
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind), y = cellValue(b, index, kind);
      var c = kind === "num" ? x - y : String(x).localeCompare(String(y), "zh-Hans-CN");
      return asc ? c : -c;
    });
    rows.forEach(function (r) { tbody.appendChild(r); });
  }

  function initSortable(root) {
    root.querySelectorAll("table.pg-sortable th[data-sort]").forEach(function (th) {
      if (th.dataset.sortReady) return;
      th.dataset.sortReady = "1";
      th.tabIndex = 0;
      th.addEventListener("click", function () { sortBy(th); });
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(th); }
      });
    });
  }

  // Confirmation for dangerous buttons: <button data-confirm="...">.
  document.addEventListener("click", function (e) {
    var el = e.target.closest("[data-confirm]");
    if (el && !window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  // Auto-submit filter forms when a select changes: <form data-autosubmit>.
  document.addEventListener("change", function (e) {
    var form = e.target.closest("form[data-autosubmit]");
    if (form && e.target.tagName === "SELECT") form.requestSubmit();
  });

  // Evidence is uploaded as soon as a file is chosen (<form data-upload-on-choose>): a chosen file
  // is never silently left behind; leaving the page while an upload is under way asks first.
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (input.type !== "file" || !input.files || !input.files.length) return;
    var form = input.closest("form[data-upload-on-choose]");
    if (form) form.requestSubmit();
  });
  window.addEventListener("beforeunload", function (e) {
    var inputs = document.querySelectorAll("form[data-upload-on-choose] input[type=file]");
    var pending = Array.prototype.some.call(inputs, function (i) { return i.files && i.files.length; });
    if (pending) { e.preventDefault(); e.returnValue = ""; }
  });

  // Printable pages: <button data-print-page hidden> shows once script runs and opens the print dialog.
  function initPrint() {
    document.querySelectorAll("[data-print-page]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { initSortable(document); initPrint(); });
  document.addEventListener("htmx:afterSettle", function (e) { initSortable(e.target); });
  window.perfgov = window.perfgov || {};
  window.perfgov.initSortable = initSortable;
})();
