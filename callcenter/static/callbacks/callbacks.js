// The call-backs page: the worklist (refreshed every 10 s), take an item, one click to call
// (the phone system rings the operator's phone, then the resident), then the result.
"use strict";

(function () {
  const root = document.getElementById("callbacks");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const OUTCOMES = {
    missed: ["reached", "consultation", "no_answer"],
    check: ["confirmed", "not_confirmed", "no_answer"],
    control: ["talked", "no_answer"],
  };
  const body = document.querySelector("#worklist tbody");
  const panel = document.getElementById("current");
  const state = document.getElementById("call-state");
  const form = document.getElementById("outcome-form");
  let current = null; // the item taken
  let attempt = null; // the call-back being placed
  let polling = null;

  function fill(text, values) {
    return text.replace(/%\((\w+)\)s/g, (_, key) => String(values[key] ?? ""));
  }

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  async function api(method, url, payload) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["X-CSRF-Token"] = csrfToken();
      headers["Content-Type"] = "application/json";
    }
    let response;
    try {
      response = await fetch(url, { method, headers, credentials: "same-origin",
                                    body: payload ? JSON.stringify(payload) : undefined });
    } catch (err) {
      throw new Error(T.network_failed);
    }
    let data = {};
    try { data = await response.json(); } catch (err) { data = {}; }
    if (!response.ok) throw new Error(data.message || T.failed);
    return data;
  }

  function when(iso) {
    const d = new Date(iso);
    return d.toLocaleString("uk-UA", { day: "2-digit", month: "2-digit", hour: "2-digit",
                                       minute: "2-digit" });
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text;
    row.appendChild(td);
    return td;
  }

  function details(item) {
    const parts = [];
    if (item.kind === "missed") parts.push(fill(T.tries, { count: item.tries }));
    if (item.no_answers) parts.push(fill(T.no_answers, { count: item.no_answers }));
    for (const part of [item.category_name, item.address, item.contractor]) if (part) parts.push(part);
    return parts.join(" · ");
  }

  function render(items) {
    body.replaceChildren();
    document.getElementById("empty").hidden = items.length > 0;
    for (const item of items) {
      const row = document.createElement("tr");
      row.dataset.appeal = item.appeal_id;
      row.dataset.kind = item.kind;
      cell(row, T["kind_" + item.kind]);
      const link = document.createElement("a");
      link.href = `/appeals/${encodeURIComponent(item.number)}`;
      link.textContent = item.number;
      cell(row, "").appendChild(link);
      cell(row, item.phone_display);
      cell(row, when(item.waiting_since));
      cell(row, details(item));
      const action = cell(row, "");
      if (item.claimed_by && !item.mine) {
        row.classList.add("taken");
        action.textContent = fill(T.taken_by, { name: item.claimed_by });
      } else {
        const button = document.createElement("button");
        button.type = "button";
        button.className = "take";
        button.textContent = item.mine ? T.yours : T.take;
        button.addEventListener("click", () => take(item));
        action.appendChild(button);
      }
      body.appendChild(row);
    }
  }

  async function load() {
    const error = document.getElementById("list-error");
    try {
      render(await api("GET", "/api/operator/callbacks"));
      error.hidden = true;
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
    }
  }

  async function take(item) {
    try {
      await api("POST", "/api/operator/callbacks/claim", { kind: item.kind, appeal_id: item.appeal_id });
    } catch (err) {
      document.getElementById("list-error").textContent = err.message;
      document.getElementById("list-error").hidden = false;
      load();
      return;
    }
    current = item;
    attempt = null;
    document.getElementById("current-title").textContent =
      `${T["kind_" + item.kind]} · ${item.number} · ${item.phone_display}`;
    state.textContent = "";
    form.hidden = true;
    panel.hidden = false;
    document.getElementById("call-button").disabled = false;
    load();
  }

  function showOutcomes(kind) {
    const box = document.getElementById("outcomes");
    box.querySelectorAll("label").forEach((label) => label.remove());
    for (const code of OUTCOMES[kind]) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "outcome";
      input.value = code;
      label.append(input, " ", T["outcome_" + code]);
      box.appendChild(label);
    }
    form.hidden = false;
  }

  function describe(a) {
    if (a.state === "failed") return T["error_" + a.error] || T.failed;
    if (a.ended) return T.state_ended;
    if (a.answered) return T.state_answered;
    return T["state_" + a.state] || "";
  }

  async function follow() {
    if (!attempt) return;
    try {
      attempt = await api("GET", `/api/operator/callbacks/attempts/${attempt.id}`);
    } catch (err) {
      state.textContent = err.message;
      return;
    }
    state.textContent = describe(attempt);
    if (attempt.state === "connected" && form.hidden) showOutcomes(current.kind);
    if (attempt.state === "failed" || attempt.ended) {
      clearInterval(polling);
      polling = null;
      document.getElementById("call-button").disabled = attempt.state !== "failed";
    }
  }

  document.getElementById("call-button").addEventListener("click", async () => {
    if (!current) return;
    const button = document.getElementById("call-button");
    button.disabled = true;
    form.hidden = true;
    try {
      attempt = await api("POST", "/api/operator/callbacks/call",
                          { kind: current.kind, appeal_id: current.appeal_id });
    } catch (err) {
      state.textContent = err.message;
      button.disabled = false;
      return;
    }
    state.textContent = describe(attempt);
    if (polling) clearInterval(polling);
    polling = setInterval(follow, 1000);
  });

  document.getElementById("release-button").addEventListener("click", async () => {
    try { await api("POST", "/api/operator/callbacks/release"); } catch (err) { /* expires */ }
    current = null;
    attempt = null;
    panel.hidden = true;
    load();
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = form.querySelector(".error");
    const chosen = form.querySelector("input[name=outcome]:checked");
    if (!chosen || !attempt) return;
    try {
      await api("POST", `/api/operator/callbacks/attempts/${attempt.id}/outcome`,
                { outcome: chosen.value, words: form.elements.words.value });
    } catch (err) {
      error.textContent = err.message;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    form.elements.words.value = "";
    state.textContent = T.saved;
    if (chosen.value === "reached") {
      const link = document.createElement("a");
      link.href = `/operator?appeal=${encodeURIComponent(current.number)}`;
      link.textContent = fill(T.open_appeal, { number: current.number });
      state.append(" ", link);
    }
    form.hidden = true;
    current = null;
    attempt = null;
    document.getElementById("call-button").disabled = true;
    load();
  });

  load();
  setInterval(load, 10000);
})();
