// Appeal search (a results table linking to each appeal) and the city services directory.
import { $, T, api, debounce, el, fmt, signInLink, when } from "./tools.js";

const searchForm = $("search-form");
const search = { params: null, offset: 0, limit: 50 };

async function runSearch(append) {
  const params = new URLSearchParams();
  for (const [key, value] of new FormData(searchForm)) {
    if (String(value).trim()) params.set(key, String(value).trim());
  }
  if (!append) {
    search.params = params;
    search.offset = 0;
  }
  search.params.set("limit", String(search.limit));
  search.params.set("offset", String(search.offset));
  const result = await api("GET", "/api/appeals?" + search.params.toString());
  const summary = $("search-summary");
  if (!result.ok) {
    const data = result.data || {};
    const problems = (data.details || []).map((d) => d.problem).join(" ");
    summary.replaceChildren(el("span", { class: "error",
      text: result.network ? T.network_failed : [data.message, problems].filter(Boolean).join(" ") }),
      result.status === 401 ? signInLink() : null);
    return;
  }
  const rows = result.data.items.map(searchRow);
  const body = $("search-results").tBodies[0];
  if (append) body.append(...rows);
  else body.replaceChildren(...rows);
  $("search-results").hidden = !body.rows.length;
  const total = result.data.total + (result.data.total_capped ? "+" : "");
  summary.textContent = result.data.total ? fmt(T.found, { total }) : T.nothing_found;
  search.offset += result.data.items.length;
  $("search-more").hidden = search.offset >= result.data.total && !result.data.total_capped;
}

function searchRow(item) {
  const text = item.description || "";
  return el("tr", {},
    el("td", {}, el("a", { href: "/appeals/" + encodeURIComponent(item.number), target: "_blank",
                           rel: "noopener", class: "number", text: item.number })),
    el("td", { text: when(item.opened_at) }),
    el("td", { class: "status", "data-status": item.status, text: item.status_label }),
    el("td", { text: (item.category_name || "") + (item.emergency ? " · " + T.emergency : "") }),
    el("td", { text: item.address || "" }),
    el("td", { text: [item.caller, item.caller_name].filter(Boolean).join(" · ") }),
    el("td", { class: "excerpt", title: text, text: text.length > 120 ? text.slice(0, 117) + "…" : text }));
}

searchForm.addEventListener("submit", (event) => {
  event.preventDefault();
  runSearch(false);
});
$("search-more").addEventListener("click", () => runSearch(true));

// -- the services directory ---------------------------------------------------------------

const directoryInput = $("directory-q");
let directoryAsked = 0;

export const askDirectory = debounce(async () => {
  const asked = ++directoryAsked;
  const result = await api("GET", "/api/directory?q=" + encodeURIComponent(directoryInput.value.trim()));
  if (asked !== directoryAsked) return;
  const list = $("directory-results");
  if (!result.ok) {
    list.replaceChildren(el("li", { class: "error",
      text: result.network ? T.network_failed : (result.data && result.data.message) || T.failed }));
    return;
  }
  if (!result.data.length) {
    list.replaceChildren(el("li", { class: "muted", text: T.nothing_found }));
    return;
  }
  list.replaceChildren(...result.data.map(directoryItem));
}, 200);

function directoryItem(entry) {
  const phones = entry.phones.map((phone) =>
    el("a", { href: "tel:" + phone.replace(/[^\d+]/g, ""), class: "phone", text: phone }));
  return el("li", { class: entry.emergency ? "emergency" : "" },
    el("strong", { text: entry.name }),
    entry.sample ? el("span", { class: "badge sample", text: T.sample }) : null,
    el("div", { class: "phones" }, ...phones),
    el("div", { class: "muted", text: [entry.hours, entry.address].filter(Boolean).join(" · ") }),
    el("div", { text: entry.handles }));
}

directoryInput.addEventListener("input", askDirectory);

