// beslut serve: the meeting page. Case search, the packet build with live progress (server-sent
// events into an aria-live region) and focus on the item an action moved. Plain JavaScript.
"use strict";
(function () {
  function csrf() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  // After a save the page is reloaded at #punkt-N: put the keyboard focus there.
  function focusFromHash() {
    if (!location.hash) return;
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.focus();
  }

  // Case search: matching cases of the meeting's organ; a button fills in the diarienummer.
  function setupSearch() {
    const input = document.getElementById("sok");
    const list = document.getElementById("sokresultat");
    const status = document.getElementById("sokstatus");
    if (!input || !list || !status) return;
    let timer = null;
    let asked = 0;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    function search() {
      const query = input.value.trim();
      const mine = ++asked;
      list.replaceChildren();
      if (!query) { status.textContent = ""; return; }
      const url = input.dataset.url + "?instans=" + encodeURIComponent(input.dataset.organ || "") +
        "&q=" + encodeURIComponent(query);
      fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
        if (mine !== asked) return;
        const found = data.arenden || [];
        status.textContent = found.length === 1 ? "1 ärende hittades." : found.length ? found.length + " ärenden hittades." : "Inga ärenden hittades.";
        found.forEach(function (c) {
          const li = document.createElement("li");
          const button = document.createElement("button");
          button.type = "button";
          button.className = "secondary";
          button.textContent = "Välj " + c.diarienummer + " – " + c.rubrik;
          button.addEventListener("click", function () {
            document.getElementById("typ").value = "beslut";
            document.getElementById("underlag").value = "";
            const dnr = document.getElementById("diarienummer");
            dnr.value = c.diarienummer;
            status.textContent = "Valt: " + c.diarienummer + " – " + c.rubrik + ". Tryck Lägg till punkten.";
            dnr.focus();
          });
          li.appendChild(button);
          list.appendChild(li);
        });
      }).catch(function () { status.textContent = "Sökningen misslyckades; ladda om sidan."; });
    }
  }

  // The build: POST starts it, an EventSource shows each progress line and the result.
  function setupBuild() {
    const form = document.getElementById("byggform");
    const box = document.getElementById("byggstatus");
    const summary = document.getElementById("byggsammanfattning");
    const lines = document.getElementById("bygglista");
    const button = document.getElementById("byggknapp");
    if (!form || !box || !summary || !lines || !button) return;

    function line(text, cls) {
      const li = document.createElement("li");
      li.textContent = text;
      if (cls) li.className = cls;
      lines.appendChild(li);
    }

    function follow(id) {
      button.disabled = true;
      box.dataset.state = "running";
      summary.textContent = "Bygget pågår …";
      lines.replaceChildren();
      const source = new EventSource("/mote/bygg-status/" + encodeURIComponent(id));
      source.addEventListener("forlopp", function (e) {
        line(JSON.parse(e.data).text);
      });
      source.addEventListener("klart", function (e) {
        source.close();  // or the browser reconnects and replays the build
        const result = JSON.parse(e.data);
        box.dataset.state = result.ok ? "ok" : "fel";
        summary.textContent = result.summary;
        (result.errors || []).forEach(function (text) { line(text, "diagnostic fel"); });
        if (result.ok) {
          const again = document.createElement("a");
          // A new address each time, so following the link always loads the page again.
          again.href = location.pathname + "?byggt=" + Date.now() + "#kallelse-rubrik";
          again.textContent = "Ladda om sidan för de nya sidnumren och handlingarna";
          again.id = "byggladda";
          summary.appendChild(document.createTextNode(" "));
          summary.appendChild(again);
        }
        button.disabled = false;
      });
      source.onerror = function () {
        if (box.dataset.state === "running") {
          source.close();
          summary.textContent = "Förbindelsen med servern bröts; ladda om sidan för att se hur bygget gick.";
          button.disabled = false;
        }
      };
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      fetch(form.action, {
        method: "POST",
        headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" },
        credentials: "same-origin",
      }).then(function (r) {
        return r.json().then(function (data) { return { status: r.status, data: data }; });
      }).then(function (answer) {
        if (answer.status === 409) {
          summary.textContent = answer.data.fel;
          if (answer.data.id && box.dataset.state !== "running") follow(answer.data.id);
          return;
        }
        follow(answer.data.id);
      }).catch(function () { summary.textContent = "Bygget kunde inte startas; ladda om sidan."; });
    });

    if (box.dataset.job) follow(box.dataset.job);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFromHash();
    setupSearch();
    setupBuild();
  });
})();

// Removing an item asks first (the form still works without JavaScript).
document.addEventListener("click", function (event) {
  const button = event.target.closest ? event.target.closest("button[value='bort']") : null;
  if (!button) return;
  const what = (button.getAttribute("aria-label") || "").replace(/^Ta bort /, "");
  if (!window.confirm("Ta bort " + what + " från föredragningslistan?")) event.preventDefault();
});
