// Street suggestions as the operator types (debounced; arrows, Enter and Escape work).
import { $, T, api, debounce, el, fmt } from "./tools.js";
import { changed, fields } from "./form.js";

const streetList = $("street-list");
const suggest = { items: [], active: -1, asked: 0 };

function closeSuggestions() {
  streetList.hidden = true;
  fields.street.setAttribute("aria-expanded", "false");
  suggest.items = [];
  suggest.active = -1;
}

function pick(index) {
  const item = suggest.items[index];
  if (!item) return;
  fields.street.value = item.short;
  fields.street_unlisted.checked = false;
  closeSuggestions();
  changed();
  fields.house.focus();
}

function highlight(index) {
  suggest.active = index;
  streetList.querySelectorAll("li").forEach((node, i) => {
    node.setAttribute("aria-selected", i === index ? "true" : "false");
  });
  fields.street.setAttribute("aria-activedescendant", index >= 0 ? "street-" + index : "");
}

function showSuggestions(items) {
  suggest.items = items;
  if (!items.length) {
    streetList.replaceChildren(el("li", { class: "muted", role: "option", "aria-disabled": "true",
                                          text: T.no_streets }));
  } else {
    streetList.replaceChildren(...items.map((item, index) => el("li", {
      role: "option", id: "street-" + index, "aria-selected": "false",
      onmousedown: (event) => { event.preventDefault(); pick(index); },
    }, el("span", { text: item.short }),
       item.formerly ? el("small", { text: " (" + fmt(T.formerly, { name: item.formerly }) + ")" }) : null,
       item.district ? el("small", { class: "muted", text: " · " + item.district }) : null)));
  }
  streetList.hidden = false;
  fields.street.setAttribute("aria-expanded", "true");
  highlight(items.length ? 0 : -1);
}

const askStreets = debounce(async () => {
  const typed = fields.street.value.trim();
  if (typed.length < 2 || fields.street_unlisted.checked) {
    closeSuggestions();
    return;
  }
  const asked = ++suggest.asked;
  const result = await api("GET", "/api/reference/streets?limit=8&q=" + encodeURIComponent(typed));
  if (asked !== suggest.asked || document.activeElement !== fields.street) return;
  if (result.ok) showSuggestions(result.data);
}, 150);

fields.street.addEventListener("input", askStreets);
fields.street.addEventListener("blur", () => setTimeout(closeSuggestions, 100));
fields.street.addEventListener("keydown", (event) => {
  if (streetList.hidden || !suggest.items.length) return;
  if (event.key === "ArrowDown") {
    event.preventDefault();
    highlight((suggest.active + 1) % suggest.items.length);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    highlight((suggest.active - 1 + suggest.items.length) % suggest.items.length);
  } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey && suggest.active >= 0) {
    event.preventDefault();
    pick(suggest.active);
  } else if (event.key === "Escape") {
    closeSuggestions();
  }
});

