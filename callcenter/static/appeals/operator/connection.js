// The pop socket (/ws/operator, docs/screen-pops.md): reconnects by itself with backoff and
// says so in a banner; 4401 / 4403 / 4409 are refusals that retrying would not change.
import { $, T, el, fmt, signInLink } from "./tools.js";

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

export class Connection {
  constructor(handle) {
    this.handle = handle;
    this.socket = null;
    this.attempt = 0;
    this.timer = null;
    this.ticker = null;
    this.pinger = null;
    this.stopped = false;
    window.addEventListener("online", () => {
      if (!this.socket && !this.stopped) this.open();
    });
  }

  url() {
    return (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws/operator";
  }

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
    socket.onmessage = (event) => this.received(event.data);
    socket.onclose = (event) => {
      clearInterval(this.pinger);
      if (this.socket === socket) this.socket = null;
      this.closed(event.code);
    };
  }

  received(text) {
    let message;
    try {
      message = JSON.parse(text);
    } catch (error) {
      return;
    }
    this.handle(message);
  }

  send(message) {
    if (this.socket && this.socket.readyState === WebSocket.OPEN) {
      this.socket.send(JSON.stringify(message));
    }
  }

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
  }

  // 1, 2, 4 ... 30 s, give or take a fifth (so a restarted server is not stormed)
  retry() {
    const seconds = Math.min(30, 2 ** this.attempt) * (0.8 + Math.random() * 0.4);
    this.attempt += 1;
    const until = Date.now() + seconds * 1000;
    setConn("offline");
    const text = el("span");
    const tick = () => {
      const left = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      text.textContent = fmt(T.offline_banner, { seconds: left }) + " ";
    };
    tick();
    showBanner(text, el("button", { type: "button", id: "reconnect", text: T.reconnect_now,
                                    onclick: () => this.open() }));
    this.ticker = setInterval(tick, 1000);
    this.timer = setTimeout(() => this.open(), seconds * 1000);
  }
}
