// After saving: where the appeal went (contractor, deadline), whom to call right now (only
// the services the rule names for the category) with "handed off" and "could not get
// through" per service, and, while the form is being filled in, the offer to link
// the appeal to an open one with the same category and address instead of sending it again.
import { $, T, api, debounce, el, fmt, when } from "./tools.js";
import { fields, form, formNode, loadAppeal, say } from "./form.js";

const UNROUTED = new Set(["new", "missed", "consultation", "rejected"]);
const box = $("routing");
const offer = $("duplicates");

formNode.addEventListener("cc-appeal", (event) => {
  const view = event.detail;
  offer.hidden = true;
  offer.replaceChildren();
  box.hidden = true;
  box.replaceChildren();
  if (!UNROUTED.has(view.status)) showRouting(view.number);
});

export async function showRouting(number) {
  const result = await api("GET", `/api/appeals/${encodeURIComponent(number)}/routing`);
  if (!result.ok || form.number !== number) return;
  const r = result.data;
  const parts = [];
  if (r.status === "duplicate") {
    parts.push(el("p", { text: r.status_label }));
  } else if (!r.routed) {
    parts.push(el("p", { class: "warn", text: T.not_routed }));
  } else {
    const c = r.contractor;
    const phone = c.phone ? ` · ${c.phone_display || c.phone}` : "";
    parts.push(el("p", { class: "contractor", text: fmt(T.routed_to, {
      contractor: c.name + phone }) }));
    parts.push(el("p", { class: "deadline", text: fmt(T.routed_deadline, {
      deadline: when(r.deadline), priority: r.priority_label }) }));
  }
  // Only the services the rule names for this category, at once; the others folded away.
  const known = new Set(r.emergency_contacts.map((c) => c.code));
  if (r.emergency_contacts.length) {
    parts.push(el("p", { class: "call-now", text: T.call_now }),
               contactList(number, r.emergency_contacts));
  }
  const others = r.services.filter((s) => !known.has(s.code));
  if (r.priority === "emergency" && others.length) {
    parts.push(el("details", { class: "other-services" },
                  el("summary", { text: T.other_services }), contactList(number, others)));
  }
  box.replaceChildren(...parts);
  box.hidden = false;
}

function contactList(number, contacts) {
  return el("ul", { class: "contacts" }, ...contacts.map((c) => {
    const reached = el("button", { type: "button", class: "handoff", "data-code": c.code,
                                   text: T.handed_off });
    const missed = el("button", { type: "button", class: "not-reached-button",
                                  "data-code": c.code, text: T.not_reached });
    const phone = c.phone
      ? el("a", { href: "tel:" + c.phone.replace(/[^\d+]/g, ""), text: c.phone_display || c.phone })
      : "—";
    const item = el("li", { "data-code": c.code },
                    el("span", { text: `${c.label}: ` }),
                    el("strong", { class: "phone" }, phone), " ", reached, " ", missed);
    reached.addEventListener("click", () => handOff(number, c, item, true));
    missed.addEventListener("click", () => handOff(number, c, item, false));
    return item;
  }));
}

async function handOff(number, contact, item, reached) {
  const buttons = item.querySelectorAll("button");
  for (const button of buttons) button.disabled = true;
  const result = await api("POST", `/api/appeals/${encodeURIComponent(number)}/handoffs`,
                           { code: contact.code, reached });
  if (!result.ok) {
    for (const button of buttons) button.disabled = false;
    say((result.data && result.data.message) || T.failed, "error");
    return;
  }
  if (reached) {
    for (const button of buttons) button.remove();
    item.append(el("span", { class: "handed", text: T.handoff_recorded }));
  } else {
    for (const button of buttons) button.disabled = false;  // try again, then "handed off"
    item.querySelectorAll(".not-reached").forEach((node) => node.remove());
    item.append(el("span", { class: "not-reached", text: " " + T.not_reached_recorded }));
  }
}

// -- duplicates -------------------------------------------------------------------------------

async function checkDuplicates() {
  const number = form.number;
  const category = fields.category.value;
  const street = fields.street.value.trim();
  if (!number || !form.completable || !category || !street) {
    offer.hidden = true;
    return;
  }
  const address = [street, fields.house.value.trim()].filter(Boolean).join(", ");
  const query = new URLSearchParams({ category, address });
  const result = await api(
    "GET", `/api/appeals/${encodeURIComponent(number)}/duplicates?${query}`);
  if (!result.ok || form.number !== number) return;
  offer.replaceChildren();
  offer.hidden = result.data.length === 0;
  if (offer.hidden) return;
  offer.append(el("p", { text: T.duplicates_found }), el("ul", {}, ...result.data.map((d) =>
    el("li", { "data-number": d.number },
       el("strong", { text: d.number }), ` · ${d.status_label} · ${when(d.opened_at)} · `,
       el("span", { text: d.description || "" }), " ",
       el("button", { type: "button", class: "link-duplicate", text: T.link_duplicate,
                      onclick: () => link(number, d.number) })))));
}

async function link(number, original) {
  const result = await api("POST", `/api/appeals/${encodeURIComponent(number)}/link`,
                           { original });
  if (!result.ok) {
    say((result.data && result.data.message) || T.failed, "error");
    return;
  }
  form.dirty = false;
  await loadAppeal(number);
  say(fmt(T.linked, { number, original }), "ok");
}

const checkSoon = debounce(checkDuplicates, 400);
for (const name of ["category", "street", "house"]) {
  fields[name].addEventListener("change", checkSoon);
}
