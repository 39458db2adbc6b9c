// The supervisor's recordings page: a reason before every replay, the audit table, disputes,
// contractor links. Plain JavaScript; every change goes through the JSON API with the CSRF
// token of the page.
"use strict";

(function () {
  const root = document.getElementById("supervisor");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const appeal = root.dataset.appeal;

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function api(method, url, body) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response;
    try {
      response = await fetch(url, { method, headers, credentials: "same-origin",
                                    body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      return { ok: false, data: { message: T.network_failed } };
    }
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    return { ok: response.ok, status: response.status, data };
  }

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
  }

  function problem(result, fallback) {
    const data = result.data || {};
    const details = (data.details || []).map((d) => d.problem).join(" ");
    return [data.message || fallback, details].filter(Boolean).join(" ");
  }

  function cell(text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    return td;
  }

  function wallClock(iso) {
    return iso ? iso.slice(0, 19).replace("T", " ") : "";
  }

  // -- replay --------------------------------------------------------------------------------

  async function refreshAudit(article, recordingId) {
    const result = await api("GET", `/api/recordings/${recordingId}/audit`);
    if (!result.ok) return;
    const body = article.querySelector("table.audit tbody");
    body.replaceChildren(...result.data.map((a) => {
      const row = document.createElement("tr");
      row.append(cell(wallClock(a.at)), cell(a.who), cell(T["via_" + a.via] || a.via),
                 cell(a.reason, "text"), cell(a.client));
      return row;
    }));
  }

  async function replay(article, form) {
    const recordingId = article.dataset.recording;
    const status = article.querySelector(".status");
    const audio = article.querySelector("audio");
    const reason = form.elements.reason.value.trim();
    if (reason.length < 3) {
      status.textContent = T.reason_required;
      status.className = "status error";
      form.elements.reason.focus();
      return;
    }
    status.textContent = T.authorizing;
    status.className = "status";
    const result = await api("POST", `/api/recordings/${recordingId}/replays`, { reason });
    if (!result.ok) {
      status.textContent = problem(result, T.failed);
      status.className = "status error";
      return;
    }
    audio.src = result.data.audio_url;
    status.textContent = fill(T.playing, { time: wallClock(result.data.expires_at).slice(11, 16) });
    audio.play().catch(() => {});
    refreshAudit(article, recordingId);
  }

  for (const article of root.querySelectorAll("article.recording")) {
    const form = article.querySelector("form.reason-form");
    if (!form) continue;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      replay(article, form);
    });
    article.querySelector("audio").addEventListener("error", () => {
      const status = article.querySelector(".status");
      status.textContent = T.audio_failed;
      status.className = "status error";
    });
  }

  // -- disputes and links --------------------------------------------------------------------

  function showError(container, text) {
    const box = container.querySelector(".error");
    if (!box) return;
    box.textContent = text;
    box.hidden = !text;
  }

  async function submit(form, method, url, body, onDone) {
    const button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    showError(form, "");
    const result = await api(method, url, body);
    if (button) button.disabled = false;
    if (!result.ok) {
      showError(form, problem(result, T.failed));
      return;
    }
    onDone(result.data);
  }

  function reload() { window.location.reload(); }

  const openForm = document.getElementById("open-dispute");
  if (openForm) {
    openForm.addEventListener("submit", (event) => {
      event.preventDefault();
      submit(openForm, "POST", `/api/appeals/${encodeURIComponent(appeal)}/disputes`,
             { contractor: openForm.elements.contractor.value.trim(),
               claim: openForm.elements.claim.value }, reload);
    });
  }

  const releaseForm = document.getElementById("release-hold");
  if (releaseForm && releaseForm.elements.reason) {
    releaseForm.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!window.confirm(T.release_confirm)) return;
      submit(releaseForm, "POST", `/api/appeals/${encodeURIComponent(appeal)}/hold/release`,
             { reason: releaseForm.elements.reason.value }, reload);
    });
  }

  for (const article of root.querySelectorAll("article.dispute")) {
    const id = article.dataset.dispute;
    const note = article.querySelector("form.note-form");
    if (note) {
      note.addEventListener("submit", (event) => {
        event.preventDefault();
        submit(note, "POST", `/api/disputes/${id}/notes`, { text: note.elements.text.value },
               reload);
      });
    }
    const close = article.querySelector("form.close-form");
    if (close) {
      close.addEventListener("submit", (event) => {
        event.preventDefault();
        if (!window.confirm(T.close_confirm)) return;
        submit(close, "POST", `/api/disputes/${id}/close`,
               { decision: close.elements.decision.value }, reload);
      });
    }
  }

  const linkForm = document.getElementById("give-link");
  if (linkForm) {
    linkForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const f = linkForm.elements;
      const dispute = f.dispute_id ? f.dispute_id.value : "";
      const body = { recording_id: f.recording_id.value || null,
                     dispute_id: dispute ? Number(dispute) : null,
                     contractor: f.contractor.value.trim() || null,
                     hours: f.hours.value ? Number(f.hours.value) : null };
      submit(linkForm, "POST", `/api/appeals/${encodeURIComponent(appeal)}/links`, body,
             (data) => {
               document.getElementById("link-result").hidden = false;
               const url = document.getElementById("link-url");
               url.value = data.url;
               url.select();
             });
    });
  }

  for (const button of root.querySelectorAll("button.revoke")) {
    button.addEventListener("click", async () => {
      if (!window.confirm(T.revoke_confirm)) return;
      const id = button.closest("tr").dataset.link;
      const result = await api("POST", `/api/links/${id}/revoke`);
      if (result.ok) reload();
    });
  }
})();
