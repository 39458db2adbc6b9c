// The appeal form: which appeal it holds, its fields, loading an appeal, messages, and the
// draft kept in sessionStorage until the server confirms the save.
import { $, T, api, debounce, el, fmt, signInLink } from "./tools.js";
import { focusCategory, syncCategory } from "./categories.js";

export const formNode = $("appeal-form");
export const fields = {
  category: $("f-category"), emergency: $("f-emergency"), consultation: $("f-consultation"),
  street: $("f-street"), house: $("f-house"), flat: $("f-flat"),
  street_unlisted: $("f-unlisted"), description: $("f-description"),
  contact_name: $("f-contact-name"), contact_phone: $("f-contact-phone"),
  sms_refused: $("f-sms-refused"),
};
const TEXT_FIELDS = ["category", "street", "house", "flat", "description", "contact_name",
                     "contact_phone"];
const CHECKS = ["emergency", "consultation", "street_unlisted", "sms_refused"];
export const form = { number: null, version: null, callId: null, status: null,
                      completable: false, dirty: false, busy: false, emergencyTouched: false,
                      siblings: [] };
export const statusLabels = {};
export const categoryLabels = {};
for (const option of document.querySelectorAll("#search-form select[name=status] option")) {
  if (option.value) statusLabels[option.value] = option.textContent;
}
for (const option of fields.category.querySelectorAll("option")) {
  if (option.value) categoryLabels[option.value] = option.textContent;
}

export function values() {
  const found = {};
  for (const name of TEXT_FIELDS) found[name] = fields[name].value;
  for (const name of CHECKS) found[name] = fields[name].checked;
  return found;
}

export function fill(found) {
  for (const name of TEXT_FIELDS) fields[name].value = found[name] || "";
  for (const name of CHECKS) fields[name].checked = Boolean(found[name]);
  syncCategory();
  markNeeds();
}

export function valuesOf(view) {
  return { category: view.category || "", street: view.street || "",
           house: view.house || "", flat: view.flat || "", description: view.description || "",
           contact_name: view.contact_name || "", contact_phone: view.contact_phone || "",
           emergency: view.emergency, consultation: view.status === "consultation",
           street_unlisted: view.street_unlisted, sms_refused: Boolean(view.sms_refused) };
}

export function say(text, kind, ...extra) {
  const box = $("form-message");
  box.className = "message " + (kind || "info");
  box.replaceChildren(el("span", { text: text + (extra.length ? " " : "") }), ...extra);
}

export function clearErrors() {
  for (const node of formNode.querySelectorAll(".field-error")) node.textContent = "";
  for (const node of formNode.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
}

export function showFieldErrors(details) {
  let first = null;
  for (const detail of details || []) {
    const slot = formNode.querySelector(`.field-error[data-field="${detail.field}"]`);
    if (slot) slot.textContent = detail.problem;
    const input = detail.field === "category" ? $("f-category-input") : fields[detail.field];
    if (input) {
      input.setAttribute("aria-invalid", "true");
      first = first || input;
    }
  }
  if (first) first.focus();
}

export function showAppeal(view) {
  form.number = view.number;
  form.version = view.version;
  form.callId = view.call ? view.call.call_id : null;
  form.status = view.status;
  form.completable = view.completable;
  form.siblings = view.siblings || [];
  $("form-number").textContent = view.number;
  $("form-status").textContent = view.status_label;
  $("form-status").dataset.status = view.status;
  $("form-fields").disabled = !view.completable;
  $("save").disabled = !view.completable;
  $("add-another").disabled = !form.callId;
  $("call-appeals").replaceChildren(...form.siblings.map((sibling) =>
    el("button", { type: "button", class: "chip", text: `${sibling.number} · ${sibling.status_label}`,
                   onclick: () => switchTo(sibling.number) })));
  formNode.dispatchEvent(new CustomEvent("cc-appeal", { detail: view }));  // routing.js
  formNode.dispatchEvent(new CustomEvent("cc-form"));  // pop.js: which number is which
}

export function clearForm() {
  form.number = null;
  form.dirty = false;
  dropDraft();
  fill({});
  $("form-number").textContent = "";
  $("form-status").textContent = "";
  $("form-fields").disabled = true;
  $("save").disabled = true;
  $("add-another").disabled = true;
  formNode.dispatchEvent(new CustomEvent("cc-form"));
}

async function fetchAppeal(number) {
  const result = await api("GET", "/api/appeals/" + encodeURIComponent(number));
  if (!result.ok) {
    if (result.status === 401) say(T.session_expired, "error", signInLink());
    else say((result.data && result.data.message) || T.load_failed, "error");
    return null;
  }
  return result.data;
}

// `focus` false: leave the focus where it is (a returning caller's history in the pop).
export async function loadAppeal(number, keep, focus = true) {
  const view = await fetchAppeal(number);
  if (!view) return null;
  showAppeal(view);
  form.emergencyTouched = false;
  fill(keep || valuesOf(view));
  form.dirty = Boolean(keep);
  if (!keep) {
    dropDraft();
    $("form-message").replaceChildren();
    clearErrors();
  }
  if (!view.completable && keep) say(fmt(T.not_completable, { status: view.status_label }), "error");
  if (view.completable && !keep && focus) focusCategory();
  return view;
}

export async function switchTo(number) {
  if (form.dirty && form.completable) {
    say(T.save_first, "error");
    return;
  }
  await loadAppeal(number);
}

// How much address the category needs, shown on the labels.
export function markNeeds() {
  const option = fields.category.selectedOptions[0];
  const need = fields.consultation.checked || !option ? "none" : option.dataset.address || "none";
  $("l-street").classList.toggle("required", need === "house" || need === "street");
  $("l-house").classList.toggle("required", need === "house");
  $("l-description").classList.toggle("required", !fields.consultation.checked);
}

fields.category.addEventListener("change", () => {
  const option = fields.category.selectedOptions[0];
  if (option && option.value && !form.emergencyTouched) {
    fields.emergency.checked = option.dataset.emergency === "true";
  }
  if (option && option.dataset.consultation === "true") fields.consultation.checked = true;
  markNeeds();
});
fields.emergency.addEventListener("change", () => { form.emergencyTouched = true; });
fields.consultation.addEventListener("change", markNeeds);

// -- the draft: what was typed survives a reload and a new sign-in ----------------------

const DRAFT_KEY = "cc-operator-draft";

export function saveDraft() {
  if (!form.number) return;
  try {
    sessionStorage.setItem(DRAFT_KEY, JSON.stringify({
      number: form.number, version: form.version, values: values(), at: Date.now() }));
  } catch (error) {
    // storage full or disabled: the form itself still holds the text
  }
}

export function dropDraft() {
  try {
    sessionStorage.removeItem(DRAFT_KEY);
  } catch (error) {
    // nothing to drop
  }
}

const saveDraftSoon = debounce(saveDraft, 300);

export function changed() {
  if (!form.number) return;
  form.dirty = true;
  saveDraftSoon();
}

// Words typed to find a category change nothing until one is picked (the select's change).
const typedChange = (event) => {
  if (event.target.id !== "f-category-input") changed();
};
formNode.addEventListener("input", typedChange);
formNode.addEventListener("change", typedChange);

export async function restoreDraft() {
  let draft = null;
  try {
    draft = JSON.parse(sessionStorage.getItem(DRAFT_KEY) || "null");
  } catch (error) {
    draft = null;
  }
  if (!draft || !draft.number) return;
  const view = await loadAppeal(draft.number, draft.values);
  if (!view) return;
  form.version = draft.version;  // a change made meanwhile is still noticed (409)
  if (view.completable) say(fmt(T.restored, { number: draft.number }), "info");
}

