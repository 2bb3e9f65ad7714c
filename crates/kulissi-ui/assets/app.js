/*
 * Kulissi UI behaviour (plain ES2019, no modules, no build step).
 *
 * (a) "Select all" checkboxes: <input type="checkbox" data-select-all="NAME">
 *     toggles every <input type="checkbox" name="NAME"> in the same form (or
 *     the document, if it is not inside a form) and marks their table rows
 *     with tr.selected.
 * (b) htmx error responses: the server's HTML error fragment is shown in
 *     #flash, so failed requests are never silent.
 *
 * CSRF is handled by an hx-headers attribute on <body>; nothing here.
 */
(function () {
  "use strict";

  function scopeOf(el) {
    return el.form || el.closest("form") || document;
  }

  function boxesFor(master) {
    var name = master.getAttribute("data-select-all");
    var inputs = scopeOf(master).querySelectorAll('input[type="checkbox"]');
    return Array.prototype.filter.call(inputs, function (box) {
      return box !== master && box.name === name && !box.hasAttribute("data-select-all");
    });
  }

  function markRow(box) {
    var row = box.closest("tr");
    if (row) {
      row.classList.toggle("selected", box.checked);
    }
  }

  // Keeps a master checkbox in step with its items (checked / indeterminate).
  function syncMaster(master) {
    var boxes = boxesFor(master).filter(function (b) {
      return !b.disabled;
    });
    var checked = boxes.filter(function (b) {
      return b.checked;
    }).length;
    master.checked = boxes.length > 0 && checked === boxes.length;
    master.indeterminate = checked > 0 && checked < boxes.length;
  }

  function mastersFor(box) {
    if (!box.name) {
      return [];
    }
    var masters = scopeOf(box).querySelectorAll("input[data-select-all]");
    return Array.prototype.filter.call(masters, function (m) {
      return m.getAttribute("data-select-all") === box.name;
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") {
      return;
    }
    if (target.hasAttribute("data-select-all")) {
      target.indeterminate = false;
      boxesFor(target).forEach(function (box) {
        if (!box.disabled) {
          box.checked = target.checked;
        }
        markRow(box);
      });
      return;
    }
    markRow(target);
    mastersFor(target).forEach(syncMaster);
  });

  // Reflects pre-checked boxes (server-rendered or swapped in by htmx).
  function syncAll() {
    var masters = document.querySelectorAll("input[data-select-all]");
    Array.prototype.forEach.call(masters, function (master) {
      boxesFor(master).forEach(markRow);
      syncMaster(master);
    });
  }

  function showError(event) {
    var flash = document.getElementById("flash");
    if (!flash) {
      return;
    }
    var xhr = event.detail && event.detail.xhr;
    var body = xhr && typeof xhr.responseText === "string" ? xhr.responseText.trim() : "";
    var contentType = (xhr && xhr.getResponseHeader && xhr.getResponseHeader("Content-Type")) || "";
    if (body !== "" && contentType.indexOf("text/html") !== -1) {
      // Trusted: HTML fragment produced by our own server (same origin).
      flash.innerHTML = body;
    } else {
      var div = document.createElement("div");
      div.className = "flash error";
      div.setAttribute("role", "alert");
      var status = xhr ? xhr.status : 0;
      var text = body !== "" && body.length <= 500 ? " " + body : "";
      div.textContent =
        (status > 0 ? "The request failed (HTTP " + status + ")." : "The request failed.") + text;
      flash.textContent = "";
      flash.appendChild(div);
    }
    if (flash.scrollIntoView) {
      flash.scrollIntoView({ block: "nearest" });
    }
  }

  function showNetworkError() {
    var flash = document.getElementById("flash");
    if (!flash) {
      return;
    }
    var div = document.createElement("div");
    div.className = "flash error";
    div.setAttribute("role", "alert");
    div.textContent = "The server could not be reached. Check your connection and try again.";
    flash.textContent = "";
    flash.appendChild(div);
  }

  function init() {
    syncAll();
    document.body.addEventListener("htmx:responseError", showError);
    document.body.addEventListener("htmx:sendError", showNetworkError);
    document.body.addEventListener("htmx:afterSettle", syncAll);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
