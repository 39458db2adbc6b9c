// Saving the form, and what the page says when a save fails (the text always stays).
import { $, T, api, el, fmt, signInLink } from "./tools.js";
import { focusCategory } from "./categories.js";
import { clearErrors, fields, fill, form, formNode, saveDraft, dropDraft, say, showAppeal,
         showFieldErrors, switchTo, values, valuesOf } from "./form.js";

export async function save(event) {
  if (event) event.preventDefault();
  if (!form.number || form.busy || !form.completable) return;
  clearErrors();
  saveDraft();
  form.busy = true;
  $("save").disabled = true;
  say(T.saving, "info");
  const body = Object.assign(values(), { version: form.version });
  const result = await api("POST", `/api/appeals/${encodeURIComponent(form.number)}/complete`, body);
  form.busy = false;
  $("save").disabled = !form.completable;
  if (result.ok) saved(result.data);
  else await notSaved(result);
}

function saved(view) {
  dropDraft();
  form.dirty = false;
  showAppeal(view);
  fill(valuesOf(view));
  const text = view.status === "consultation" ? T.saved_consultation : T.saved_registered;
  say(fmt(text, { number: view.number }), "ok");
}

async function notSaved(result) {
  const data = result.data || {};
  if (result.network) {
    say(T.network_failed, "error");
  } else if (result.status === 401) {
    say(T.session_expired, "error", signInLink());
  } else if (result.status === 403 && data.error_id === "csrf_failed") {
    say(T.csrf_failed, "error", el("button", { type: "button", class: "button", text: T.reload,
                                               onclick: () => location.reload() }));
  } else if (result.status === 409) {
    await conflict(data);
  } else if (result.status === 422) {
    say(data.message || T.failed, "error");
    showFieldErrors(data.details);
  } else {
    say(data.message || T.failed, "error");
  }
}

// Someone else changed the appeal: keep the text, take the new version, say what it is now.
async function conflict(data) {
  const fresh = await api("GET", "/api/appeals/" + encodeURIComponent(form.number));
  let now = "";
  if (fresh.ok) {
    const kept = values();
    showAppeal(fresh.data);
    fill(kept);
    form.dirty = true;
    saveDraft();
    now = fmt(T.now_status, { status: fresh.data.status_label });
  }
  say([data.message || T.failed, now].filter(Boolean).join(" "), "error");
}

// Ctrl+Enter saves; a plain Enter in a field moves to the next one (never a half-typed save).
formNode.addEventListener("submit", save);
formNode.addEventListener("keydown", (event) => {
  if (event.key !== "Enter" || event.defaultPrevented) return;
  if (event.ctrlKey || event.metaKey) {
    save(event);
  } else if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") {
    event.preventDefault();
    focusNext(event.target);
  }
});

function focusNext(current) {
  const order = Array.from(formNode.querySelectorAll("input, select, textarea"))
    .filter((node) => !node.disabled && !node.hidden && node.type !== "hidden");
  const next = order[order.indexOf(current) + 1];
  if (next) next.focus();
}

$("add-another").addEventListener("click", async () => {
  if (form.dirty && form.completable) {
    say(T.save_first, "error");
    return;
  }
  if (!form.callId) return;
  const address = { street: fields.street.value, house: fields.house.value,
                    flat: fields.flat.value, street_unlisted: fields.street_unlisted.checked };
  const result = await api("POST", `/api/calls/${encodeURIComponent(form.callId)}/appeals`);
  if (!result.ok) {
    await notSaved(result);
    return;
  }
  showAppeal(result.data);
  form.emergencyTouched = false;
  fill(address);
  form.dirty = false;
  clearErrors();
  say(fmt(T.added, { number: result.data.number }), "ok");
  focusCategory();
});

$("load-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const number = $("load-number").value.trim();
  if (number) await switchTo(number);
});

