// The pop panel: the ringing call's card, and its appeal offered to the form.
import { $, T, el, fmt, when } from "./tools.js";
import { categoryLabels, changed, clearForm, fields, form, loadAppeal, say,
         statusLabels } from "./form.js";

const pop = { callId: null, card: null };

export function handle(message) {
  switch (message.type) {
    case "hello":
      showPause(message.paused, null, null);
      if (message.current) handle(message.current);
      break;
    case "pop":
      pop.callId = message.call_id;
      showCard(message.card);
      setPopState(T.ringing);
      offerAppeal(message.card);
      break;
    case "card":
      // A fuller card: the first pop may have gone out before the appeal was stored.
      if (message.call_id === pop.callId) {
        showCard(message.card);
        offerAppeal(message.card);
      }
      break;
    case "answered":
      if (message.call_id === pop.callId) {
        setPopState(T.answered);
        if (form.number && !form.dirty) $("f-category").focus();
      }
      break;
    case "taken":
      if (message.call_id === pop.callId) {
        setPopState(fmt(T.taken, { seat: message.by_seat }));
        if (pop.card && pop.card.appeal && form.number === pop.card.appeal.number && !form.dirty) {
          clearForm();
        }
      }
      break;
    case "ring_timed_out":
      if (message.call_id === pop.callId) setPopState(T.ring_timed_out);
      break;
    case "ended":
      if (message.call_id === pop.callId) {
        setPopState(fmt(T.ended, { outcome: T["outcome_" + message.outcome] || message.outcome }));
      }
      break;
    case "paused":
      showPause(message.paused, message.reason, message.until);
      break;
    default:
      break;
  }
}

function showPause(paused, reason, until) {
  const box = $("pause-state");
  box.hidden = !paused;
  box.textContent = until ? fmt(T.paused_until, { time: when(until) }) : T.paused;
  box.dataset.reason = reason || "";
}

function setPopState(text) {
  $("pop-state").textContent = text;
}

function showCard(card) {
  pop.card = card;
  $("pop-empty").hidden = true;
  $("pop-body").hidden = false;
  $("pop-number").textContent = card.appeal ? card.appeal.number : "—";
  $("pop-caller").textContent = card.caller || T.withheld;
  $("pop-name").textContent = card.caller_name || "—";
  $("pop-line").textContent = [T["line_" + card.line] || card.line, card.trunk]
    .filter(Boolean).join(" · ");
  $("pop-carrier").textContent = card.carrier || "—";
  listAppeals($("pop-open-appeals"), card.open_appeals || []);
  listAppeals($("pop-previous"), card.previous_appeals || []);
  const addresses = (card.addresses || []).map((address) =>
    el("button", { type: "button", class: "chip", text: address,
                   onclick: () => fillAddress(address) }));
  $("pop-addresses").replaceChildren(...(addresses.length ? addresses
                                                           : [el("span", { class: "muted", text: T.nothing })]));
}

function listAppeals(list, appeals) {
  if (!appeals.length) {
    list.replaceChildren(el("li", { class: "muted", text: T.nothing }));
    return;
  }
  list.replaceChildren(...appeals.map((appeal) => el("li", {},
    el("a", { href: "/appeals/" + encodeURIComponent(appeal.number), target: "_blank",
              rel: "noopener", text: appeal.number }),
    el("span", { class: "status", text: " " + (statusLabels[appeal.status] || appeal.status) }),
    el("span", { text: " · " + when(appeal.opened_at) }),
    appeal.category ? el("span", { text: " · " + (categoryLabels[appeal.category] || appeal.category) }) : null,
    appeal.address ? el("span", { text: " · " + appeal.address }) : null,
    el("div", { class: "answer", text: appeal.answer || T.no_answer_yet }))));
}

// The call's appeal goes into the form, unless the form holds unsaved text of another one.
function offerAppeal(card) {
  const button = $("pop-open");
  button.hidden = true;
  if (!card.appeal || card.appeal.number === form.number) return;
  if (form.dirty) {
    button.hidden = false;
    say(fmt(T.pop_waiting, { number: card.appeal.number }), "info");
    return;
  }
  loadAppeal(card.appeal.number);
}

$("pop-open").addEventListener("click", () => {
  if (pop.card && pop.card.appeal) loadAppeal(pop.card.appeal.number);
  $("pop-open").hidden = true;
});

// Addresses come formatted: "вул. Незалежності, 12А, кв. 5".
function fillAddress(address) {
  const parts = address.split(",").map((part) => part.trim()).filter(Boolean);
  const flat = parts.length > 1 && /^кв\.?\s*/i.test(parts[parts.length - 1])
    ? parts.pop().replace(/^кв\.?\s*/i, "") : "";
  const house = parts.length > 1 && /^\d/.test(parts[parts.length - 1]) ? parts.pop() : "";
  fields.street.value = parts.join(", ");
  fields.house.value = house;
  fields.flat.value = flat;
  fields.street_unlisted.checked = false;
  changed();
  fields.description.focus();
}

