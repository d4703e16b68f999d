// beslut serve: the preview page. Asks once a second for the case file's version and, when it
// changed, points the frame at the new version's PDF (the server builds it from the file).
"use strict";
(function () {
  const frame = document.getElementById("preview-frame");
  const status = document.getElementById("preview-status");
  if (!frame) { return; }
  const rel = frame.dataset.rel;
  let shown = frame.dataset.version;
  let busy = false;
  async function poll() {
    if (busy || document.hidden) { return; }
    busy = true;
    try {
      const answer = await fetch("/arende/version/" + rel, { credentials: "same-origin", cache: "no-store" });
      if (answer.ok) {
        const data = await answer.json();
        if (data.version && data.version !== shown) {
          shown = data.version;
          frame.dataset.version = shown;
          frame.src = "/arende/forhandsvisning/" + rel + "?v=" + encodeURIComponent(shown);
          if (status) { status.textContent = "Filen ändrades kl. " + new Date().toLocaleTimeString("sv-SE") + "; förhandsvisningen visar den nya versionen."; }
        }
      }
    } catch (e) {
      if (status) { status.textContent = "Servern svarar inte; förhandsvisningen uppdateras när den svarar igen."; }
    } finally {
      busy = false;
    }
  }
  window.setInterval(poll, 1000);
}());
