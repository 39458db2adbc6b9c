// Letters to complete: e-mails to the hotline whose appeal is still "new". Each shows the
// sender, subject, text and attachments (downloads); "Open in the form" loads the appeal,
// and saving it routes it like a call's appeal. Refreshed every 30 seconds.
import { $, api, el, when } from "./tools.js";
import { switchTo } from "./form.js";

const card = $("letters-card");
const list = $("letters-list");
const words = card.dataset;

function size(bytes) {
  return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + " MB"
    : Math.max(1, Math.round(bytes / 1024)) + " KB";
}

function letterItem(letter) {
  const who = letter.sender_name ? `${letter.sender_name} <${letter.sender}>` : letter.sender;
  const files = letter.attachments.map((a) =>
    el("li", {}, el("a", { href: a.url, download: a.filename, text: a.filename }),
       ` (${size(a.size)})`));
  return el("li", { class: "letter" },
    el("div", { class: "letter-head" },
      el("strong", { class: "appeal-number", text: letter.number }), " ",
      el("span", { text: who }), " ",
      el("span", { class: "muted", text: when(letter.received_at) })),
    el("div", { class: "letter-subject", text: letter.subject || words.noSubject }),
    el("details", {}, el("summary", { text: words.text }),
       el("pre", { class: "letter-text", text: letter.text })),
    files.length ? el("ul", { class: "letter-files", "aria-label": words.attachments }, ...files)
      : null,
    el("button", { type: "button", text: words.open,
                   onclick: () => switchTo(letter.number) }));
}

async function refresh() {
  const result = await api("GET", "/api/mail/letters?limit=50");
  if (!result.ok) {
    $("letters-summary").textContent = words.failed;
    return;
  }
  list.replaceChildren(...result.data.map(letterItem));
  $("letters-summary").textContent = result.data.length ? "" : words.none;
}

refresh();
setInterval(refresh, 30000);
document.addEventListener("visibilitychange", () => {
  if (!document.hidden) refresh();
});
