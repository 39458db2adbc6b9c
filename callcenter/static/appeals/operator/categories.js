// The category field: a combobox over ~60 categories. Typing filters by the names and the
// keywords of config/categories.toml ("тече", "ліфт", "сміття"); arrows move, Enter picks,
// Escape closes. The chosen code lives in the hidden <select name="category"> the rest of
// the form reads (a "change" event tells it).
import { $, T, el } from "./tools.js";

const input = $("f-category-input");
const list = $("category-list");
const select = $("f-category");
const choices = Array.from(select.options).filter((o) => o.value).map((o) => ({
  code: o.value, label: o.textContent, group: o.dataset.group || "",
  keys: fold(`${o.textContent} ${o.dataset.search || ""}`).split(" ") }));
const state = { shown: [], active: -1 };

// A light twin of callcenter/core/folding.py: case, apostrophes, ґ, punctuation.
export function fold(text) {
  return text.normalize("NFKC").toLowerCase().replace(/['’‘ʼʹ`´′]/g, "").replace(/ґ/g, "г")
    .replace(/ё/g, "е").replace(/[^\p{L}\p{N}/]+/gu, " ").trim();
}

// Every typed word begins a word of the name or keywords; names that begin with the first
// word come first.
function matching(query) {
  const words = fold(query).split(" ").filter(Boolean);
  if (!words.length) return choices;
  const found = choices.filter((c) => words.every((w) => c.keys.some((k) => k.startsWith(w))));
  const first = (c) => (fold(c.label).startsWith(words[0]) ? 0 : 1);
  return found.map((c, i) => [first(c), i, c]).sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map((item) => item[2]);
}

function highlight(index) {
  state.active = index;
  list.querySelectorAll("li[role=option]").forEach((node, i) => {
    node.setAttribute("aria-selected", i === index ? "true" : "false");
    if (i === index) node.scrollIntoView({ block: "nearest" });
  });
  if (index >= 0) input.setAttribute("aria-activedescendant", "category-" + index);
  else input.removeAttribute("aria-activedescendant");
}

function open(query) {
  const found = matching(query);
  state.shown = found;
  if (!found.length) {
    list.replaceChildren(el("li", { class: "muted", role: "option", "aria-disabled": "true",
                                    text: T.no_category }));
  } else {
    list.replaceChildren(...found.map((c, index) => el("li", {
      role: "option", id: "category-" + index, "aria-selected": "false", "data-code": c.code,
      onmousedown: (event) => { event.preventDefault(); pick(index); },
    }, el("span", { text: c.label }), el("small", { class: "muted", text: " · " + c.group }))));
  }
  list.hidden = false;
  input.setAttribute("aria-expanded", "true");
  highlight(found.length ? 0 : -1);
}

function close() {
  list.hidden = true;
  input.setAttribute("aria-expanded", "false");
  input.removeAttribute("aria-activedescendant");
  state.active = -1;
}

function pick(index) {
  const choice = state.shown[index];
  if (!choice) return;
  close();
  if (select.value !== choice.code) {
    select.value = choice.code;
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
  input.value = choice.label;
  const next = $("f-consultation").checked ? $("f-description") : $("f-street");
  next.focus();
}

// The input shows the chosen category's name (after loading an appeal, after a blur).
export function syncCategory() {
  const option = select.selectedOptions[0];
  input.value = option && option.value ? option.textContent : "";
}

export function focusCategory() {
  input.focus({ preventScroll: true });
}

input.addEventListener("input", () => open(input.value));
input.addEventListener("blur", () => setTimeout(() => {
  if (document.activeElement === input) return;  // back already (a click on the list)
  close();
  if (!input.value.trim() && select.value) {
    select.value = "";
    select.dispatchEvent(new Event("change", { bubbles: true }));
  }
  syncCategory();
}, 100));
input.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey) return;
  if (list.hidden) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      open("");
    }
    return;
  }
  const count = state.shown.length;
  if (event.key === "ArrowDown" && count) {
    event.preventDefault();
    highlight((state.active + 1) % count);
  } else if (event.key === "ArrowUp" && count) {
    event.preventDefault();
    highlight((state.active - 1 + count) % count);
  } else if (event.key === "Enter") {
    event.preventDefault();
    if (state.active >= 0) pick(state.active);
  } else if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    close();
    syncCategory();
  }
});
