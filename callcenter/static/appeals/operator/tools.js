// Small tools of the operator's page: the page's words, building elements, times, fetch.
// Data is only ever put in the page as text (textContent), never as HTML.

export const T = JSON.parse(document.getElementById("cc-texts").textContent);
const root = document.getElementById("operator");
const TIMEZONE = root.dataset.timezone;
const LOCALE = root.dataset.lang === "en" ? "en-GB" : "uk-UA";

export const $ = (id) => document.getElementById(id);

// "Звернення %(number)s" -> "Звернення 2026-000042"
export function fmt(text, values) {
  return text.replace(/%\((\w+)\)s/g, (whole, key) =>
    values && values[key] !== undefined && values[key] !== null ? String(values[key]) : whole);
}

export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children) if (child !== null && child !== undefined) node.append(child);
  return node;
}

// "06.12.2026 19:44" in the hotline's zone: the one date format of every page
export function when(iso) {
  if (!iso) return "";
  try {
    const parts = Object.fromEntries(new Intl.DateTimeFormat("en-GB", {
      timeZone: TIMEZONE, day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(new Date(iso)).map((part) => [part.type, part.value]));
    return `${parts.day}.${parts.month}.${parts.year} ${parts.hour}:${parts.minute}`;
  } catch (error) {
    return iso;
  }
}

// 75 -> "1:15", 3725 -> "1:02:05" (a timer, never negative)
export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

export function debounce(action, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => action(...args), ms);
  };
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// fetch that never throws: {ok, status, data, network}
export async function api(method, url, body) {
  const headers = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(url, { method, headers, credentials: "same-origin",
                                  body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    return { ok: false, status: 0, data: null, network: true };
  }
  let data = null;
  try {
    data = await response.json();
  } catch (error) {
    data = null;
  }
  return { ok: response.ok, status: response.status, data, network: false };
}

export function signInLink() {
  return el("a", { href: "/login?next=" + encodeURIComponent("/operator"), class: "button",
                   text: T.sign_in_again });
}
