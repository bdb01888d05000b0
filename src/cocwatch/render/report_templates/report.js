/* cocwatch report: sort and filter the Trusts table in the page. The table is complete
   without this script; it only adds controls. No network, no libraries. */
(function () {
  "use strict";
  var table = document.getElementById("trust-table");
  var controls = document.getElementById("controls");
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  rows.forEach(function (row, i) { row.dataset.order = String(i); });
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var shown = document.getElementById("shown");
  var q = document.getElementById("q");
  var region = document.getElementById("f-region");
  var severity = document.getElementById("f-severity");
  var status = document.getElementById("f-status");
  var sortBy = document.getElementById("sort-by");
  var state = { col: -1, dir: 1 };

  function key(row, col) {
    var cell = row.cells[col];
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    if (heads[col].dataset.type === "number") {
      return raw === "" ? null : parseFloat(raw);
    }
    raw = raw.trim().toLowerCase();
    return raw === "" ? null : raw;
  }

  function sort(col, dir) {
    state.col = col; state.dir = dir;
    var sorted = rows.slice().sort(function (a, b) {
      var x = key(a, col), y = key(b, col);
      if (x === null && y === null) { return a.dataset.order - b.dataset.order; }
      if (x === null) { return 1; }   // blanks last, whichever the direction
      if (y === null) { return -1; }
      if (x < y) { return -dir; }
      if (x > y) { return dir; }
      return a.dataset.order - b.dataset.order;
    });
    var frag = document.createDocumentFragment();
    sorted.forEach(function (row) { frag.appendChild(row); });
    body.appendChild(frag);
    heads.forEach(function (th, i) {
      if (i === col) { th.setAttribute("aria-sort", dir > 0 ? "ascending" : "descending"); }
      else { th.removeAttribute("aria-sort"); }
    });
    sortBy.value = heads[col].dataset.key + ":" + (dir > 0 ? "asc" : "desc");
  }

  function filter() {
    var words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var hay = row.dataset.search;
      var ok = words.every(function (w) { return hay.indexOf(w) !== -1; }) &&
        (!region.value || row.dataset.region === region.value) &&
        (!severity.value || row.dataset.severity === severity.value) &&
        (!status.value || row.dataset.status === status.value);
      row.hidden = !ok;
      if (ok) { count += 1; }
    });
    shown.textContent = "Showing " + count + " of " + rows.length + " Trusts";
  }

  heads.forEach(function (th, i) {
    if (!th.dataset.key) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      sort(i, state.col === i ? -state.dir : (th.dataset.type === "number" ? -1 : 1));
    });
  });
  sortBy.addEventListener("change", function () {
    var parts = sortBy.value.split(":");
    heads.forEach(function (th, i) {
      if (th.dataset.key === parts[0]) { sort(i, parts[1] === "desc" ? -1 : 1); }
    });
  });
  [q, region, severity, status].forEach(function (el) {
    el.addEventListener("input", filter);
    el.addEventListener("change", filter);
  });
  controls.hidden = false;
  filter();
}());
