// beslut serve: a little plain JavaScript, no build step. Every state-changing fetch carries the
// page's CSRF token (the server refuses requests without it).
"use strict";
window.beslut = window.beslut || {};
window.beslut.csrf = function () {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
};
window.beslut.post = function (url, body) {
  const headers = { "X-CSRF-Token": window.beslut.csrf() };
  return fetch(url, { method: "POST", headers: headers, body: body, credentials: "same-origin" });
};
