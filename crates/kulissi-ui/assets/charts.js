/*
 * Kulissi charts: renders <div class="chart" data-chart="ID"> elements with
 * uPlot, reading the chart spec from <script type="application/json"
 * id="ID-data">.
 *
 * Spec: {"kind": "bar"|"line", "labels": [...], "y_label": "...",
 *        "series": [{"label": "...", "values": ["12", "3.50", null, ...]}]}
 *
 * Values are exact decimal strings (or numbers); they are converted with
 * Number() only for plotting. null / "" values are drawn as gaps.
 *
 * Requires the global `uPlot` (vendor/uplot-1.6.32/uPlot.iife.min.js) to be loaded
 * first. Plain ES2019, no modules, no build step.
 */
(function () {
  "use strict";

  var HEIGHT = 220;
  var MIN_WIDTH = 300;
  // Distinguishable colours, each >= 4.5:1 against white.
  var PALETTE = [
    "#1d4ed8", // blue
    "#c2410c", // orange
    "#047857", // green
    "#7e22ce", // purple
    "#b91c1c", // red
    "#0e7490", // cyan
    "#a16207", // ochre
    "#be185d" // pink
  ];
  var AXIS_STROKE = "#3e4c59";
  var GRID_STROKE = "#e4e7eb";
  var DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
  var DAY = 86400;

  // Live charts, so that they can be resized and cleaned up.
  var charts = [];

  function SpecError(message) {
    this.message = message;
  }

  function fail(message) {
    throw new SpecError(message);
  }

  function toNumber(v) {
    if (v === null || v === undefined || v === "") {
      return null;
    }
    if (typeof v !== "number" && typeof v !== "string") {
      fail("invalid value");
    }
    var n = Number(v);
    if (!isFinite(n)) {
      fail("invalid value: " + String(v));
    }
    return n;
  }

  function dateToEpoch(label) {
    var m = DATE_RE.exec(String(label));
    if (!m) {
      fail("invalid date: " + String(label));
    }
    var y = Number(m[1]);
    var mo = Number(m[2]);
    var d = Number(m[3]);
    var ms = Date.UTC(y, mo - 1, d);
    var check = new Date(ms);
    if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) {
      fail("invalid date: " + String(label));
    }
    return ms / 1000;
  }

  function epochToDate(secs) {
    return new Date(secs * 1000).toISOString().slice(0, 10);
  }

  function readSpec(id) {
    var node = id ? document.getElementById(id + "-data") : null;
    if (!node) {
      fail("chart data not found");
    }
    var spec;
    try {
      spec = JSON.parse(node.textContent);
    } catch (e) {
      fail("chart data is not valid JSON");
    }
    if (!spec || typeof spec !== "object") {
      fail("chart data is not an object");
    }
    if (spec.kind !== "bar" && spec.kind !== "line") {
      fail("unknown chart kind");
    }
    if (!Array.isArray(spec.labels)) {
      fail("labels missing");
    }
    if (!Array.isArray(spec.series)) {
      fail("series missing");
    }
    var n = spec.labels.length;
    var series = spec.series.map(function (s, i) {
      if (!s || typeof s !== "object" || !Array.isArray(s.values)) {
        fail("series " + (i + 1) + " has no values");
      }
      if (s.values.length !== n) {
        fail("series " + (i + 1) + " has " + s.values.length + " values for " + n + " labels");
      }
      return {
        label: s.label === undefined || s.label === null ? "Series " + (i + 1) : String(s.label),
        values: s.values.map(toNumber)
      };
    });
    return {
      kind: spec.kind,
      labels: spec.labels.map(function (l) {
        return l === null || l === undefined ? "" : String(l);
      }),
      series: series,
      yLabel: spec.y_label === undefined || spec.y_label === null ? "" : String(spec.y_label)
    };
  }

  function colour(i) {
    return PALETTE[i % PALETTE.length];
  }

  function alpha(hex, a) {
    var r = parseInt(hex.slice(1, 3), 16);
    var g = parseInt(hex.slice(3, 5), 16);
    var b = parseInt(hex.slice(5, 7), 16);
    return "rgba(" + r + "," + g + "," + b + "," + a + ")";
  }

  function chartWidth(el) {
    return Math.max(MIN_WIDTH, Math.floor(el.clientWidth));
  }

  // Y axis width that fits the longest tick label.
  function yAxisSize(u, values, axisIdx, cycleNum) {
    var axis = u.axes[axisIdx];
    if (cycleNum > 1 && axis._size) {
      return axis._size;
    }
    var size = axis.ticks.size + axis.gap;
    var longest = "";
    (values || []).forEach(function (v) {
      if (v !== null && String(v).length > longest.length) {
        longest = String(v);
      }
    });
    if (longest !== "") {
      u.ctx.font = axis.font[0];
      size += u.ctx.measureText(longest).width / (window.devicePixelRatio || 1);
    }
    return Math.ceil(size) + 4;
  }

  function truncate(text, max) {
    return text.length > max ? text.slice(0, max - 1) + "\u2026" : text;
  }

  function baseAxes(yLabel) {
    var y = {
      stroke: AXIS_STROKE,
      grid: { stroke: GRID_STROKE, width: 1 },
      ticks: { stroke: GRID_STROKE, width: 1 },
      size: yAxisSize
    };
    if (yLabel) {
      y.label = yLabel;
    }
    return [
      { stroke: AXIS_STROKE, grid: { show: false }, ticks: { stroke: GRID_STROKE, width: 1 } },
      y
    ];
  }

  function lineOptions(spec, width) {
    // Sort by date so that uPlot gets ascending x values.
    var order = spec.labels.map(function (label, i) {
      return { x: dateToEpoch(label), i: i };
    });
    order.sort(function (a, b) {
      return a.x - b.x;
    });
    var xs = order.map(function (o) {
      return o.x;
    });
    var data = [xs];
    var series = [
      {
        label: "Date",
        value: function (u, v) {
          return v === null || v === undefined ? "--" : epochToDate(v);
        }
      }
    ];
    spec.series.forEach(function (s, k) {
      data.push(
        order.map(function (o) {
          return s.values[o.i];
        })
      );
      series.push({
        label: s.label,
        stroke: colour(k),
        width: 2,
        points: { show: xs.length <= 40, size: 5 }
      });
    });
    var axes = baseAxes(spec.yLabel);
    // Daily data: ticks on whole days only, labelled YYYY-MM-DD (UTC).
    axes[0].space = 90;
    axes[0].incrs = [1, 2, 7, 14, 28, 91, 182, 364, 728, 1820].map(function (d) {
      return d * DAY;
    });
    axes[0].values = function (u, splits) {
      return splits.map(function (v) {
        return v === null || v === undefined ? "" : epochToDate(v);
      });
    };
    return {
      opts: {
        width: width,
        height: HEIGHT,
        padding: [8, 36, 0, 0], // room for the last date label
        tzDate: function (ts) {
          return uPlot.tzDate(new Date(ts * 1000), "Etc/UTC");
        },
        scales: {
          x: {
            time: true,
            range: function (u, min, max) {
              // Centre a single date in a three-day window.
              if (xs.length === 1) {
                return [xs[0] - DAY, xs[0] + DAY];
              }
              return [min, max];
            }
          }
        },
        series: series,
        axes: axes,
        legend: { show: true },
        cursor: { drag: { x: false, y: false } }
      },
      data: data
    };
  }

  function barOptions(spec, width) {
    var n = spec.labels.length;
    var k = Math.max(1, spec.series.length);
    var group = 0.8; // fraction of a category occupied by its bars
    var barWidth = group / k;
    var xs = [];
    for (var i = 0; i < n; i++) {
      xs.push(i);
    }
    var data = [xs];
    var series = [
      {
        label: "Category",
        value: function (u, v) {
          return v === null || v === undefined || !spec.labels[v] ? "--" : spec.labels[v];
        }
      }
    ];
    spec.series.forEach(function (s, j) {
      data.push(s.values);
      var offset = -group / 2 + j * barWidth; // left edge of this series' bar
      series.push({
        label: s.label,
        stroke: colour(j),
        fill: alpha(colour(j), 0.85),
        width: 1,
        points: { show: false },
        fillTo: function () {
          return 0;
        },
        paths: uPlot.paths.bars({
          align: 1,
          disp: {
            x0: {
              unit: 1,
              values: function (u) {
                return u.data[0].map(function (x) {
                  return x + offset;
                });
              }
            },
            size: {
              unit: 1,
              values: function (u) {
                return u.data[0].map(function () {
                  return barWidth * 0.95;
                });
              }
            }
          }
        })
      });
    });
    var axes = baseAxes(spec.yLabel);
    axes[0].splits = function (u) {
      // One tick per category, thinned out when they would overlap.
      var plotWidth = u.bbox.width / (window.devicePixelRatio || 1);
      var step = Math.max(1, Math.ceil((n * 48) / Math.max(plotWidth, 1)));
      var out = [];
      for (var i = 0; i < n; i += step) {
        out.push(i);
      }
      return out;
    };
    axes[0].values = function (u, splits) {
      return splits.map(function (i) {
        return Number.isInteger(i) && i >= 0 && i < n ? truncate(spec.labels[i], 16) : "";
      });
    };
    return {
      opts: {
        width: width,
        height: HEIGHT,
        scales: {
          x: {
            time: false,
            range: function () {
              return [-0.5, n - 0.5];
            }
          },
          y: {
            range: function (u, dataMin, dataMax) {
              var lo = Math.min(0, dataMin === null || dataMin === undefined ? 0 : dataMin);
              var hi = Math.max(0, dataMax === null || dataMax === undefined ? 0 : dataMax);
              if (lo === hi) {
                hi = 1;
              }
              var pad = (hi - lo) * 0.05;
              return [lo < 0 ? lo - pad : 0, hi > 0 ? hi + pad : 0];
            }
          }
        },
        series: series,
        axes: axes,
        legend: { show: true },
        cursor: { drag: { x: false, y: false }, points: { show: false } }
      },
      data: data
    };
  }

  function showMessage(el, text, state) {
    el.textContent = "";
    var p = document.createElement("p");
    p.className = "chart-message";
    p.textContent = text;
    el.appendChild(p);
    el.dataset.rendered = state;
  }

  function render(el) {
    var spec;
    try {
      spec = readSpec(el.dataset.chart);
    } catch (e) {
      var reason = e instanceof SpecError ? e.message : "unexpected error";
      showMessage(el, "Chart unavailable (" + reason + ").", "error");
      return;
    }
    if (spec.labels.length === 0 || spec.series.length === 0) {
      showMessage(el, "No data", "empty");
      return;
    }
    if (typeof window.uPlot !== "function") {
      showMessage(el, "Chart unavailable (chart library not loaded).", "error");
      return;
    }
    try {
      var width = chartWidth(el);
      var built = spec.kind === "line" ? lineOptions(spec, width) : barOptions(spec, width);
      el.textContent = "";
      var plot = new uPlot(built.opts, built.data, el);
      plot.root.setAttribute("aria-hidden", "true");
      charts.push({ el: el, plot: plot, width: width });
      el.dataset.rendered = "true";
    } catch (e) {
      var msg = e instanceof SpecError ? e.message : "could not draw";
      showMessage(el, "Chart unavailable (" + msg + ").", "error");
    }
  }

  // Destroys charts whose element has been removed from the page (htmx swaps).
  function prune() {
    charts = charts.filter(function (c) {
      if (c.el.isConnected) {
        return true;
      }
      c.plot.destroy();
      return false;
    });
  }

  function renderAll(root) {
    prune();
    var scope = root && root.querySelectorAll ? root : document;
    var els = scope.querySelectorAll(".chart[data-chart]");
    if (scope !== document && scope.matches && scope.matches(".chart[data-chart]")) {
      els = [scope].concat(Array.prototype.slice.call(els));
    }
    Array.prototype.forEach.call(els, function (el) {
      if (!el.dataset.rendered) {
        render(el);
      }
    });
  }

  var resizeQueued = false;
  function onResize() {
    if (resizeQueued) {
      return;
    }
    resizeQueued = true;
    window.requestAnimationFrame(function () {
      resizeQueued = false;
      prune();
      charts.forEach(function (c) {
        var width = chartWidth(c.el);
        if (width !== c.width) {
          c.width = width;
          c.plot.setSize({ width: width, height: HEIGHT });
        }
      });
    });
  }

  function init() {
    renderAll(document);
    document.body.addEventListener("htmx:afterSettle", function () {
      // The swapped target may not contain every new chart (out-of-band
      // swaps), so scan the whole document; rendered charts are skipped.
      renderAll(document);
    });
    window.addEventListener("resize", onResize);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
