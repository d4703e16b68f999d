// beslut serve: the case form. Repeatable rows (add, remove, move with buttons, so the keyboard
// works), the Markdown toolbar, the live preview of decision points and the diarienummer check.
// Plain JavaScript, no build step; every POST carries the CSRF token (window.beslut.post).
"use strict";
(function () {
  function debounce(fn, ms) {
    let timer = null;
    return function () {
      const args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // --- Decision points as they will print --------------------------------------------------
  const form = document.getElementById("arendeformular");
  const region = document.getElementById("beslutspunkter-forhandsvisning");
  let previewSeq = 0;
  function refreshPreview() {
    if (!form || !region || !form.dataset.preview) return;
    const seq = ++previewSeq;
    window.beslut.post(form.dataset.preview, new FormData(form))
      .then(function (response) { return response.text(); })
      .then(function (html) { if (seq === previewSeq) region.innerHTML = html; })
      .catch(function () { region.textContent = "Förhandsvisningen kunde inte hämtas."; });
  }
  const schedulePreview = debounce(refreshPreview, 300);
  function touchesPoints(target) {
    const name = target && target.name ? target.name : "";
    return name === "typ" || name.indexOf("förslag") === 0;
  }
  if (form) {
    form.addEventListener("input", function (event) {
      if (touchesPoints(event.target)) schedulePreview();
    });
    form.addEventListener("change", function (event) {
      if (touchesPoints(event.target)) schedulePreview();
    });
  }

  // --- Repeatable rows ---------------------------------------------------------------------
  function rowsOf(fieldset) { return fieldset.querySelector(":scope > ol.rows"); }
  function nextIndex(list) {
    let max = -1;
    Array.prototype.forEach.call(list.children, function (row) {
      const last = (row.dataset.path || "").split(".").pop();
      const n = parseInt(last, 10);
      if (!isNaN(n) && n > max) max = n;
    });
    return max + 1;
  }
  function firstControl(element) {
    return element.querySelector("input:not([type=hidden]), select, textarea, button");
  }
  function announce(text) {
    const status = document.getElementById("radstatus");
    if (status) status.textContent = text;
  }
  function changed(element) {
    if (element && element.closest("[data-path^='förslag']")) schedulePreview();
  }
  document.addEventListener("click", function (event) {
    const button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("add-row")) {
      const fieldset = button.closest("fieldset.list");
      const template = fieldset.querySelector(":scope > template");
      const list = rowsOf(fieldset);
      const placeholder = "__i" + fieldset.dataset.depth + "__";
      const html = template.innerHTML.split(placeholder).join(String(nextIndex(list)));
      list.insertAdjacentHTML("beforeend", html);
      const control = firstControl(list.lastElementChild);
      if (control) control.focus();
      announce("En ny rad lades till, rad " + list.children.length + ".");
      changed(fieldset);
    } else if (button.classList.contains("remove-row")) {
      const row = button.closest("li.row");
      const fieldset = row.closest("fieldset.list");
      const next = row.nextElementSibling || row.previousElementSibling;
      row.remove();
      const focus = next ? firstControl(next) : fieldset.querySelector(":scope > .add-row");
      if (focus) focus.focus();
      announce("Raden togs bort.");
      changed(fieldset);
    } else if (button.classList.contains("move-up") || button.classList.contains("move-down")) {
      const row = button.closest("li.row");
      const up = button.classList.contains("move-up");
      const other = up ? row.previousElementSibling : row.nextElementSibling;
      if (!other) return;
      if (up) other.before(row); else other.after(row);
      button.focus();
      const position = Array.prototype.indexOf.call(row.parentElement.children, row) + 1;
      announce("Raden flyttades " + (up ? "upp" : "ned") + " till plats " + position + ".");
      changed(row);
    } else if (button.dataset.md) {
      markdown(button.dataset.md);
    } else if (button.classList.contains("copy-text")) {
      const area = document.getElementById(button.dataset.copy);
      const status = document.getElementById("kopierat");
      area.select();
      const done = function () { if (status) status.textContent = "Din version är kopierad."; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(area.value).then(done, function () { document.execCommand("copy"); done(); });
      } else { document.execCommand("copy"); done(); }
    }
  });

  // --- Markdown toolbar --------------------------------------------------------------------
  function markdown(kind) {
    const area = document.getElementById("f-brödtext");
    if (!area) return;
    const start = area.selectionStart, end = area.selectionEnd;
    const text = area.value, selected = text.slice(start, end);
    let insert = selected, caret = null;
    function lines(prefix) {
      const lineStart = text.lastIndexOf("\n", start - 1) + 1;
      const block = text.slice(lineStart, end) || "";
      const parts = block.split("\n").map(function (line, i) {
        return (typeof prefix === "function" ? prefix(i) : prefix) + line;
      });
      area.setRangeText(parts.join("\n"), lineStart, end, "end");
    }
    if (kind === "rubrik") { lines("## "); }
    else if (kind === "punktlista") { lines("- "); }
    else if (kind === "numrerad") { lines(function (i) { return (i + 1) + ". "; }); }
    else {
      if (kind === "fet") insert = "**" + (selected || "fet text") + "**";
      else if (kind === "kursiv") insert = "*" + (selected || "kursiv text") + "*";
      else if (kind === "lank") insert = "[" + (selected || "länktext") + "](https://)";
      area.setRangeText(insert, start, end, "end");
      if (kind === "lank") caret = start + insert.length - 1;
    }
    area.focus();
    if (caret !== null) area.setSelectionRange(caret, caret);
  }

  // --- Diarienummer checked as it is typed -------------------------------------------------
  const dnr = document.querySelector("input[data-check]");
  if (dnr) {
    const status = document.getElementById(dnr.id + "-status");
    const check = debounce(function () {
      fetch(dnr.dataset.check + "?nummer=" + encodeURIComponent(dnr.value), { credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          status.innerHTML = html;
          const bad = status.querySelector(".check-fel") !== null;
          if (bad) dnr.setAttribute("aria-invalid", "true"); else dnr.removeAttribute("aria-invalid");
        });
    }, 250);
    dnr.addEventListener("input", check);
  }
})();
