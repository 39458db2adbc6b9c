// The pop panel: the ringing call's card (announced by ring.js), the talk timer, the
// caller's earlier appeals (each once), and the call's appeal offered to the form.
import { $, T, clock, el, fmt, when } from "./tools.js";
import { categoryLabels, changed, clearForm, fields, form, formNode, loadAppeal, say,
         statusLabels } from "./form.js";
import { focusCategory } from "./categories.js";
import { showPause } from "./pause.js";
import { quiet, ring } from "./ring.js";

const pop = { callId: null, card: null, live: false, answeredAt: null, ticker: null };

export function handle(message) {
  switch (message.type) {
    case "hello":
      showPause(message.pause || { paused: message.paused }, false);
      if (message.current) {
        const talking = Boolean(message.current.answered_at);
        popped(message.current, !talking);  // a call picked up before the reload: no ring
        if (talking) answered(Date.parse(message.current.answered_at));
      }
      break;
    case "pop":
      popped(message, true);
      break;
    case "card":
      // A fuller card: the first pop may have gone out before the appeal was stored.
      if (message.call_id === pop.callId) {
        showCard(message.card);
        offerAppeal(message.card);
      }
      break;
    case "answered":
      if (message.call_id === pop.callId) answered(Date.now());
      break;
    case "taken":
      if (message.call_id === pop.callId) {
        over(fmt(T.taken, { seat: message.by_seat }));
        if (pop.card && pop.card.appeal && form.number === pop.card.appeal.number && !form.dirty) {
          clearForm();
        }
      }
      break;
    case "ring_timed_out":
      if (message.call_id === pop.callId) over(T.ring_timed_out);
      break;
    case "ended":
      if (message.call_id === pop.callId) {
        over(fmt(T.ended, { outcome: T["outcome_" + message.outcome] || message.outcome }));
      }
      break;
    case "paused":
      showPause(message);
      break;
    default:
      break;
  }
}

function popped(message, announce) {
  pop.callId = message.call_id;
  pop.live = true;
  showCard(message.card);
  setPopState(T.ringing);
  if (announce) ring(message.card);
  offerAppeal(message.card);
}

// `since`: now for a live "answered" (the page's own clock, whatever the server's says), the
// server's answered_at for a call picked up before the page was (re)loaded.
function answered(since) {
  quiet();
  setPopState(T.answered);
  pop.answeredAt = Math.min(Number.isNaN(since) ? Date.now() : since, Date.now());
  clearInterval(pop.ticker);
  tick();
  pop.ticker = setInterval(tick, 1000);
  // A returning caller: the history stays in sight and in focus; a new one: the category.
  if (returning(pop.card)) $("pop-history").focus({ preventScroll: true });
  else if (form.number && !form.dirty && form.completable) focusCategory();
}

function tick() {
  $("pop-timer").textContent = fmt(T.talking_for, {
    time: clock((Date.now() - pop.answeredAt) / 1000) });
}

// The call is no longer ringing or talking here.
function over(text) {
  quiet();
  setPopState(text);
  clearInterval(pop.ticker);
  pop.ticker = null;
  $("pop-timer").textContent = "";
  pop.live = false;
  markNumbers();
}

function returning(card) {
  return Boolean(card && ((card.open_appeals || []).length || (card.previous_appeals || []).length
                          || card.unfinished_total));
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
  $("pop-line").textContent = T["line_" + card.line] || card.line || "—";
  $("pop-carrier").textContent = card.carrier || "—";
  listAppeals($("pop-open-appeals"), card.open_appeals || [], true);
  listAppeals($("pop-previous"), card.previous_appeals || [], false);
  showUnfinished(card.unfinished_appeals || [], card.unfinished_total || 0);
  const addresses = (card.addresses || []).map((address) =>
    el("button", { type: "button", class: "chip", text: address,
                   onclick: () => fillAddress(address) }));
  $("pop-addresses").replaceChildren(...(addresses.length ? addresses
                                                           : [el("span", { class: "muted", text: T.nothing })]));
  markNumbers();
}

function appealItem(appeal, open) {
  const answer = appeal.answer || (open ? T.no_answer_yet : null);
  return el("li", { "data-number": appeal.number, "data-status": appeal.status },
    el("a", { href: "/appeals/" + encodeURIComponent(appeal.number), target: "_blank",
              rel: "noopener", text: appeal.number }),
    el("span", { class: "status", text: " " + (statusLabels[appeal.status] || appeal.status) }),
    el("span", { text: " · " + when(appeal.opened_at) }),
    appeal.category ? el("span", { text: " · " + (categoryLabels[appeal.category] || appeal.category) }) : null,
    appeal.address ? el("span", { text: " · " + appeal.address }) : null,
    answer ? el("div", { class: appeal.answer ? "answer" : "answer none", text: answer }) : null);
}

function listAppeals(list, appeals, open) {
  if (!appeals.length) {
    list.replaceChildren(el("li", { class: "muted", text: T.nothing }));
    return;
  }
  list.replaceChildren(...appeals.map((appeal) => appealItem(appeal, open)));
}

// Earlier calls whose form was never completed: folded, a few at most.
function showUnfinished(appeals, total) {
  const box = $("pop-unfinished");
  box.hidden = total === 0;
  box.open = false;
  $("pop-unfinished-summary").textContent = fmt(T.unfinished, { count: total });
  const items = appeals.map((appeal) => appealItem(appeal, false));
  if (total > appeals.length) {
    items.push(el("li", { class: "muted", text: fmt(T.unfinished_more,
                                                    { count: total - appeals.length }) }));
  }
  $("pop-unfinished-list").replaceChildren(...items);
}

// One large number: the ringing call's. The form's number is labelled: this call's or not.
function markNumbers() {
  const callNumber = pop.live && pop.card && pop.card.appeal ? pop.card.appeal.number : null;
  const label = $("form-number-label");
  const formNumber = $("form-number");
  $("pop-number").classList.toggle("big", Boolean(callNumber));
  formNumber.classList.toggle("big", !callNumber && Boolean(form.number));
  const other = Boolean(callNumber && form.number && form.number !== callNumber);
  formNumber.classList.toggle("other", other);
  label.hidden = !(callNumber && form.number);
  label.className = "number-label" + (other ? " other" : "");
  label.textContent = other ? T.form_other_appeal : T.form_this_call;
}

formNode.addEventListener("cc-form", markNumbers);

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
  loadAppeal(card.appeal.number, undefined, !returning(card));
}

export function openCallAppeal() {
  if ($("pop-open").hidden) return;
  if (pop.card && pop.card.appeal) loadAppeal(pop.card.appeal.number);
  $("pop-open").hidden = true;
}

$("pop-open").addEventListener("click", openCallAppeal);

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
