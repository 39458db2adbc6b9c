// The operator's page: live screen pops from /ws/operator (docs/screen-pops.md), the appeal
// form, appeal search and the services directory. Plain JavaScript, no framework.
// Rules: data is only ever put in the page as text (textContent), never as HTML; whatever the
// operator typed stays in the form and in sessionStorage until the server says it is saved.
(function () {
  "use strict";

  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const root = document.getElementById("operator");
  const TIMEZONE = root.dataset.timezone;
  const LOCALE = root.dataset.lang === "en" ? "en-GB" : "uk-UA";
  const DRAFT_KEY = "cc-operator-draft";
  const $ = (id) => document.getElementById(id);

  // -- small tools ------------------------------------------------------------------------

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, (whole, key) =>
      values && values[key] !== undefined && values[key] !== null ? String(values[key]) : whole);
  }

  function el(tag, props, ...children) {
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

  function when(iso) {
    if (!iso) return "";
    try {
      return new Date(iso).toLocaleString(LOCALE, { timeZone: TIMEZONE, dateStyle: "short",
                                                    timeStyle: "short" });
    } catch (error) {
      return iso;
    }
  }

  function debounce(action, ms) {
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
  async function api(method, url, body) {
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

  function signInLink() {
    return el("a", { href: "/login?next=" + encodeURIComponent("/operator"), class: "button",
                     text: T.sign_in_again });
  }

  // -- the connection: a WebSocket that comes back by itself -------------------------------

  const banner = $("banner");
  const connState = $("conn-state");

  function setConn(state) {
    connState.className = "conn " + state;
    connState.textContent = T[state];
  }

  function showBanner(...content) {
    banner.replaceChildren(...content);
    banner.hidden = false;
  }

  function hideBanner() {
    banner.hidden = true;
    banner.replaceChildren();
  }

  const connection = {
    socket: null,
    attempt: 0,
    timer: null,
    ticker: null,
    pinger: null,
    stopped: false,

    url() {
      return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/operator";
    },

    open() {
      clearTimeout(this.timer);
      clearInterval(this.ticker);
      if (this.stopped) return;
      setConn("connecting");
      let socket;
      try {
        socket = new WebSocket(this.url());
      } catch (error) {
        this.retry();
        return;
      }
      this.socket = socket;
      socket.onopen = () => {
        this.attempt = 0;
        setConn("online");
        hideBanner();
        this.pinger = setInterval(() => this.send({ type: "ping" }), 25000);
      };
      socket.onmessage = (event) => {
        let message;
        try {
          message = JSON.parse(event.data);
        } catch (error) {
          return;
        }
        handle(message);
      };
      socket.onclose = (event) => {
        clearInterval(this.pinger);
        if (this.socket === socket) this.socket = null;
        this.closed(event.code);
      };
    },

    send(message) {
      if (this.socket && this.socket.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify(message));
      }
    },

    // 4401 no session, 4403 not allowed, 4409 no seat: retrying would not help.
    closed(code) {
      const final = { 4401: [T.ws_signed_out, signInLink()], 4403: [T.ws_forbidden],
                      4409: [T.ws_no_seat] }[code];
      if (final) {
        this.stopped = true;
        setConn("offline");
        showBanner(el("span", { text: final[0] + " " }), final[1] || null);
        return;
      }
      this.retry();
    },

    retry() {
      const seconds = Math.min(30, 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
      this.attempt += 1;
      const until = Date.now() + seconds * 1000;
      setConn("offline");
      const text = el("span");
      const tick = () => {
        text.textContent = fmt(T.offline_banner,
                               { seconds: Math.max(0, Math.ceil((until - Date.now()) / 1000)) }) + " ";
      };
      tick();
      showBanner(text, el("button", { type: "button", id: "reconnect", text: T.reconnect_now,
                                      onclick: () => this.open() }));
      this.ticker = setInterval(tick, 1000);
      this.timer = setTimeout(() => this.open(), seconds * 1000);
    },
  };

  window.addEventListener("online", () => {
    if (!connection.socket && !connection.stopped) connection.open();
  });

  // -- the pop panel ----------------------------------------------------------------------

  const pop = { callId: null, card: null };

  function handle(message) {
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
        if (message.call_id === pop.callId) showCard(message.card);
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
        if (message.call_id === pop.callId) setPopState(fmt(T.ended, { outcome: message.outcome }));
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

  // -- the form ---------------------------------------------------------------------------

  const formNode = $("appeal-form");
  const fields = {
    category: $("f-category"), emergency: $("f-emergency"), consultation: $("f-consultation"),
    street: $("f-street"), house: $("f-house"), flat: $("f-flat"),
    street_unlisted: $("f-unlisted"), description: $("f-description"),
    contact_name: $("f-contact-name"), contact_phone: $("f-contact-phone"),
  };
  const TEXT_FIELDS = ["category", "street", "house", "flat", "description", "contact_name",
                       "contact_phone"];
  const CHECKS = ["emergency", "consultation", "street_unlisted"];
  const form = { number: null, version: null, callId: null, status: null, completable: false,
                 dirty: false, busy: false, emergencyTouched: false, siblings: [] };
  const statusLabels = {};
  const categoryLabels = {};
  for (const option of document.querySelectorAll("#search-form select[name=status] option")) {
    if (option.value) statusLabels[option.value] = option.textContent;
  }
  for (const option of fields.category.querySelectorAll("option")) {
    if (option.value) categoryLabels[option.value] = option.textContent;
  }

  function values() {
    const found = {};
    for (const name of TEXT_FIELDS) found[name] = fields[name].value;
    for (const name of CHECKS) found[name] = fields[name].checked;
    return found;
  }

  function fill(found) {
    for (const name of TEXT_FIELDS) fields[name].value = found[name] || "";
    for (const name of CHECKS) fields[name].checked = Boolean(found[name]);
    markNeeds();
  }

  function valuesOf(view) {
    return { category: view.category || "", street: view.street || "",
             house: view.house || "", flat: view.flat || "", description: view.description || "",
             contact_name: view.contact_name || "", contact_phone: view.contact_phone || "",
             emergency: view.emergency, consultation: view.status === "consultation",
             street_unlisted: view.street_unlisted };
  }

  function say(text, kind, ...extra) {
    const box = $("form-message");
    box.className = "message " + (kind || "info");
    box.replaceChildren(el("span", { text: text + (extra.length ? " " : "") }), ...extra);
  }

  function clearErrors() {
    for (const node of formNode.querySelectorAll(".field-error")) node.textContent = "";
    for (const node of formNode.querySelectorAll("[aria-invalid]")) node.removeAttribute("aria-invalid");
  }

  function showFieldErrors(details) {
    let first = null;
    for (const detail of details || []) {
      const slot = formNode.querySelector(`.field-error[data-field="${detail.field}"]`);
      if (slot) slot.textContent = detail.problem;
      const input = fields[detail.field];
      if (input) {
        input.setAttribute("aria-invalid", "true");
        first = first || input;
      }
    }
    if (first) first.focus();
  }

  function showAppeal(view) {
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
  }

  function clearForm() {
    form.number = null;
    form.dirty = false;
    dropDraft();
    fill({});
    $("form-number").textContent = "";
    $("form-status").textContent = "";
    $("form-fields").disabled = true;
    $("save").disabled = true;
    $("add-another").disabled = true;
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

  async function loadAppeal(number, keep) {
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
    if (view.completable && !keep) fields.category.focus();
    return view;
  }

  async function switchTo(number) {
    if (form.dirty && form.completable) {
      say(T.save_first, "error");
      return;
    }
    await loadAppeal(number);
  }

  // How much address the category needs, shown on the labels.
  function markNeeds() {
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

  // -- the draft: what was typed survives a reload and a new sign-in -----------------------

  function saveDraft() {
    if (!form.number) return;
    try {
      sessionStorage.setItem(DRAFT_KEY, JSON.stringify({
        number: form.number, version: form.version, values: values(), at: Date.now() }));
    } catch (error) {
      // storage full or disabled: the form itself still holds the text
    }
  }

  function dropDraft() {
    try {
      sessionStorage.removeItem(DRAFT_KEY);
    } catch (error) {
      // nothing to drop
    }
  }

  const saveDraftSoon = debounce(saveDraft, 300);

  function changed() {
    if (!form.number) return;
    form.dirty = true;
    saveDraftSoon();
  }

  formNode.addEventListener("input", changed);
  formNode.addEventListener("change", changed);

  async function restoreDraft() {
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

  // -- saving -----------------------------------------------------------------------------

  async function save(event) {
    if (event) event.preventDefault();
    if (!form.number || form.busy || !form.completable) return;
    clearErrors();
    saveDraft();
    form.busy = true;
    $("save").disabled = true;
    say(T.saving, "info");
    const body = Object.assign(values(), { version: form.version });
    const result = await api("POST", `/api/appeals/${encodeURIComponent(form.number)}/complete`, body);
    form.busy = false;
    $("save").disabled = !form.completable;
    if (result.ok) saved(result.data);
    else await notSaved(result);
  }

  function saved(view) {
    dropDraft();
    form.dirty = false;
    showAppeal(view);
    fill(valuesOf(view));
    const text = view.status === "consultation" ? T.saved_consultation : T.saved_registered;
    say(fmt(text, { number: view.number }), "ok");
  }

  async function notSaved(result) {
    const data = result.data || {};
    if (result.network) {
      say(T.network_failed, "error");
    } else if (result.status === 401) {
      say(T.session_expired, "error", signInLink());
    } else if (result.status === 403 && data.error_id === "csrf_failed") {
      say(T.csrf_failed, "error", el("button", { type: "button", class: "button", text: T.reload,
                                                 onclick: () => location.reload() }));
    } else if (result.status === 409) {
      await conflict(data);
    } else if (result.status === 422) {
      say(data.message || T.failed, "error");
      showFieldErrors(data.details);
    } else {
      say(data.message || T.failed, "error");
    }
  }

  // Someone else changed the appeal: keep the text, take the new version, say what it is now.
  async function conflict(data) {
    const fresh = await api("GET", "/api/appeals/" + encodeURIComponent(form.number));
    let now = "";
    if (fresh.ok) {
      const kept = values();
      showAppeal(fresh.data);
      fill(kept);
      form.dirty = true;
      saveDraft();
      now = fmt(T.now_status, { status: fresh.data.status_label });
    }
    say([data.message || T.failed, now].filter(Boolean).join(" "), "error");
  }

  // Ctrl+Enter saves; a plain Enter in a field moves to the next one (never a half-typed save).
  formNode.addEventListener("submit", save);
  formNode.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey) {
      save(event);
    } else if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") {
      event.preventDefault();
      focusNext(event.target);
    }
  });

  function focusNext(current) {
    const order = Array.from(formNode.querySelectorAll("input, select, textarea"))
      .filter((node) => !node.disabled && node.type !== "hidden");
    const next = order[order.indexOf(current) + 1];
    if (next) next.focus();
  }

  $("add-another").addEventListener("click", async () => {
    if (form.dirty && form.completable) {
      say(T.save_first, "error");
      return;
    }
    if (!form.callId) return;
    const address = { street: fields.street.value, house: fields.house.value,
                      flat: fields.flat.value, street_unlisted: fields.street_unlisted.checked };
    const result = await api("POST", `/api/calls/${encodeURIComponent(form.callId)}/appeals`);
    if (!result.ok) {
      await notSaved(result);
      return;
    }
    showAppeal(result.data);
    form.emergencyTouched = false;
    fill(address);
    form.dirty = false;
    clearErrors();
    say(fmt(T.added, { number: result.data.number }), "ok");
    fields.category.focus();
  });

  $("load-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const number = $("load-number").value.trim();
    if (number) await switchTo(number);
  });

  // -- street suggestions -----------------------------------------------------------------

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
      streetList.replaceChildren(el("li", { class: "muted", text: T.no_streets }));
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

  // -- appeal search ----------------------------------------------------------------------

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

  // -- the services directory -------------------------------------------------------------

  const directoryInput = $("directory-q");
  let directoryAsked = 0;

  const askDirectory = debounce(async () => {
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

  // -- start ------------------------------------------------------------------------------

  window.ccOperator = { handle, connection, loadAppeal, form, save, fields };
  markNeeds();
  restoreDraft();
  connection.open();
  askDirectory();
})();
