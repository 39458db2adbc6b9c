// The admins' contractors page: "Edit" loads a contractor into the form, "Save" sends it to
// the JSON API (POST for a new one, PUT for a change) with the page's CSRF token. A refused
// save keeps the form as typed and says why, field by field.
"use strict";

(function () {
  const root = document.getElementById("admin-contractors");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const form = document.getElementById("contractor-form");
  const error = form.querySelector(".error");
  const TEXT_FIELDS = ["name", "email", "manager_email", "phone", "night_phone", "webhook_url"];

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function api(method, url, body) {
    const headers = { Accept: "application/json", "X-CSRF-Token": csrfToken() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    try {
      const response = await fetch(url, { method, headers, credentials: "same-origin",
                                           body: body === undefined ? undefined : JSON.stringify(body) });
      let data = {};
      try { data = await response.json(); } catch (err) { data = {}; }
      return { ok: response.ok, data };
    } catch (err) {
      return { ok: false, data: { message: T.network_failed } };
    }
  }

  function fill(c) {
    form.dataset.mode = c ? "edit" : "new";
    document.getElementById("form-title").textContent = c ? `${T.edit}: ${c.code}` : T.new;
    form.elements.code.value = c ? c.code : "";
    form.elements.code.readOnly = Boolean(c);
    for (const name of TEXT_FIELDS) form.elements[name].value = c ? (c[name] || "") : "";
    form.elements.kind.value = c ? c.kind : form.elements.kind.options[0].value;
    for (const box of form.querySelectorAll("input[name=channels]")) {
      box.checked = c ? c.channels.includes(box.value) : false;
    }
    form.elements.webhook_secret_ref.value = "";
    document.getElementById("secret-hint").textContent = c && c.webhook_secret ? c.webhook_secret : "";
    document.getElementById("secret-clear").hidden = !(c && c.webhook_secret);
    form.elements.webhook_secret_clear.checked = false;
    form.elements.active.checked = c ? c.active : true;
    error.hidden = true;
  }

  function collect() {
    const body = { kind: form.elements.kind.value, active: form.elements.active.checked,
                   channels: [...form.querySelectorAll("input[name=channels]:checked")].map((b) => b.value) };
    for (const name of TEXT_FIELDS) {
      const value = form.elements[name].value.trim();
      body[name] = name === "name" ? value : (value || null);
    }
    const secret = form.elements.webhook_secret_ref.value.trim();
    if (secret) body.webhook_secret_ref = secret;
    else if (form.elements.webhook_secret_clear.checked) body.webhook_secret_ref = "";
    return body;
  }

  // A field as the form names it ("Night dispatcher's phone"), never its code.
  function fieldName(field) {
    const input = form.elements[field];
    const label = input && input.closest ? input.closest("label") : null;
    return label && label.firstChild ? label.firstChild.textContent.trim() : field;
  }

  for (const button of root.querySelectorAll("button.edit")) {
    button.addEventListener("click", async () => {
      const result = await api("GET", `/api/admin/contractors/${encodeURIComponent(button.dataset.code)}`);
      if (result.ok) fill(result.data);
    });
  }
  document.getElementById("new-contractor").addEventListener("click", () => fill(null));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = collect();
    const code = form.elements.code.value.trim();
    let result;
    if (form.dataset.mode === "edit") {
      result = await api("PUT", `/api/admin/contractors/${encodeURIComponent(code)}`, body);
    } else {
      result = await api("POST", "/api/admin/contractors", { code, ...body });
    }
    if (result.ok) {
      window.location.reload();
      return;
    }
    const details = (result.data.details || []).map((d) => `${fieldName(d.field)}: ${d.problem}`).join(" ");
    error.textContent = [result.data.message || T.failed, details].filter(Boolean).join(" ");
    error.hidden = false;
  });
})();
