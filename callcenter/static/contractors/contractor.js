// The contractor's appeal page: each answer form posts to the JSON API with the page's CSRF
// token. On success the page reloads (new status, history); on failure the form keeps what
// was typed and shows why.
"use strict";

(function () {
  const root = document.getElementById("contractor");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const appeal = root.dataset.appeal;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  function body(form) {
    if (form.dataset.action === "done") return new FormData(form);
    const data = {};
    for (const field of form.elements) {
      if (field.name && field.name !== "csrf_token") data[field.name] = field.value;
    }
    return JSON.stringify(data);
  }

  function problem(data) {
    const details = (data.details || []).map((d) => d.problem).join(" ");
    return [data.message || T.failed, details].filter(Boolean).join(" ");
  }

  async function send(form) {
    const error = form.querySelector(".error");
    const button = form.querySelector("button[type=submit]");
    const payload = body(form);
    const headers = { Accept: "application/json", "X-CSRF-Token": csrfToken() };
    if (typeof payload === "string") headers["Content-Type"] = "application/json";
    error.hidden = true;
    button.disabled = true;
    button.dataset.label = button.dataset.label || button.textContent;
    button.textContent = T.saving;
    let response;
    try {
      response = await fetch(`/api/contractor/appeals/${encodeURIComponent(appeal)}/${form.dataset.action}`,
                             { method: "POST", headers, body: payload, credentials: "same-origin" });
    } catch (err) {
      response = null;
    }
    button.disabled = false;
    button.textContent = button.dataset.label;
    if (response && response.ok) {
      document.getElementById("answer-status").textContent = T.saved;
      // Back to the page with what was saved named at the top (the confirmation).
      window.location.assign(`${window.location.pathname}?saved=${form.dataset.action}`);
      return;
    }
    let data = {};
    if (response) {
      try { data = await response.json(); } catch (err) { data = {}; }
    }
    error.textContent = response ? problem(data) : T.network_failed;
    error.hidden = false;
  }

  for (const form of root.querySelectorAll("form.answer")) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      send(form);
    });
  }
})();
