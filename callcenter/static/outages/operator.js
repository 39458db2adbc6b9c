// Outages on the operator's page: those at the caller's known addresses (the pop card's
// `outages`, docs/screen-pops.md) and at the address being typed (/api/outages/check), each
// with one button that answers the form's appeal by the outage ("already known, crews at
// work": status consultation, linked) instead of routing it. Self-contained: it reads the
// socket's messages through ccOperator and the form's street and house fields.
import { $, api, debounce, el } from "/static/appeals/operator/tools.js";
import { form, loadAppeal } from "/static/appeals/operator/form.js";

const panel = $("outages-panel");
const words = panel.dataset;
const shown = { pop: [], typed: [] };

function render() {
  const seen = new Set();
  const items = [...shown.pop, ...shown.typed].filter((o) => !seen.has(o.id) && seen.add(o.id));
  $("outages-list").replaceChildren(...items.map(line));
  panel.hidden = items.length === 0;
}

function line(outage) {
  const button = el("button", { type: "button", class: "attach", "data-outage": outage.id,
                                text: words.attach, onclick: () => attach(outage.id) });
  button.disabled = !form.number || !form.completable;
  return el("li", { "data-outage": outage.id },
            el("span", { class: "when", text: outage.when === "now" ? words.now : words.soon }),
            el("span", { text: `${outage.title}, ${outage.period}: ${outage.addresses.join("; ")}` }),
            button);
}

async function attach(outageId) {
  const number = form.number;
  if (!number) return;
  const answer = await api("POST", `/api/outages/${outageId}/appeals`, { number });
  $("outages-said").textContent = answer.ok ? words.attached : words.failed;
  if (answer.ok) await loadAppeal(number, false, false);
  render();
}

function fromMessage(message) {
  const card = message.card || (message.current && message.current.card);
  if (card && Array.isArray(card.outages)) {
    shown.pop = card.outages;
    render();
  }
}

const checkTyped = debounce(async () => {
  const street = $("f-street").value.trim();
  if (street.length < 3) {
    shown.typed = [];
    render();
    return;
  }
  const address = `${street} ${$("f-house").value.trim()}`.trim();
  const answer = await api("GET", `/api/outages/check?address=${encodeURIComponent(address)}`);
  shown.typed = answer.ok && Array.isArray(answer.data) ? answer.data : [];
  render();
}, 300);

for (const id of ["f-street", "f-house"]) {
  $(id).addEventListener("input", checkTyped);
  $(id).addEventListener("change", checkTyped);
}
$("appeal-form").addEventListener("cc-form", render);

// The page's socket handler is ccOperator.connection.handle (main.js): wrap it once it exists.
function hook() {
  const operator = window.ccOperator;
  if (!operator || !operator.connection) {
    setTimeout(hook, 50);
    return;
  }
  if (operator.connection.outagesHooked) return;
  const original = operator.connection.handle;
  operator.connection.handle = (message) => {
    original(message);
    fromMessage(message);
  };
  operator.connection.outagesHooked = true;
}
hook();
