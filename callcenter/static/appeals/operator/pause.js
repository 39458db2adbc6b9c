// Pause / resume of the operator's seat (POST /api/operator/pause | resume) and the badge
// that says which pause it is: a break (how long so far), wrap-up after a call (how long
// left) or a pause made on the phone.
import { $, T, api, clock, fmt } from "./tools.js";
import { say } from "./form.js";

const root = $("operator");
const badge = $("pause-state");
const button = $("pause-toggle");
const state = { paused: false, reason: null, until: null, since: null, ticker: null };

// `message`: a "paused" socket message or the API's answer (`live`: it just happened), or
// the hello's `pause` (from before the page was loaded). Live times count on the page's own
// clock (a wrap-up by its length), so a skewed desktop clock shows no nonsense.
export function showPause(message, live = true) {
  const now = Date.now();
  const paused = Boolean(message && message.paused);
  const reason = paused ? message.reason || "manual" : null;
  const at = message && message.at ? Date.parse(message.at) : NaN;
  if (paused !== state.paused || reason !== state.reason || !state.since) {
    state.since = live || Number.isNaN(at) ? now : Math.min(at, now);
  }
  state.paused = paused;
  state.reason = reason;
  state.until = null;
  if (paused && message.until) {
    const until = Date.parse(message.until);
    state.until = live && !Number.isNaN(at) ? now + (until - at) : until;
  }
  clearInterval(state.ticker);
  state.ticker = paused ? setInterval(render, 1000) : null;
  render();
}

function render() {
  const now = Date.now();
  badge.hidden = !state.paused;
  root.dataset.pause = state.paused ? state.reason : "";
  badge.dataset.reason = state.reason || "";
  if (state.paused) {
    if (state.reason === "wrap_up" && state.until) {
      badge.textContent = fmt(T.pause_wrap_up, { time: clock((state.until - now) / 1000) });
    } else {
      const text = state.reason === "phone" ? T.pause_phone : T.pause_manual;
      badge.textContent = fmt(text, { time: clock((now - state.since) / 1000) });
    }
  }
  const label = !state.paused ? T.take_break
    : state.reason === "wrap_up" ? T.ready_now : T.back_to_work;
  button.firstChild.textContent = label + " ";
  button.classList.toggle("paused", state.paused);
}

export async function togglePause() {
  if (button.disabled) return;
  button.disabled = true;
  const result = await api("POST", state.paused ? "/api/operator/resume" : "/api/operator/pause");
  button.disabled = false;
  if (result.ok) {
    showPause(result.data);
  } else {
    say(result.network ? T.server_unreachable : (result.data && result.data.message) || T.load_failed,
        "error");
  }
}

button.addEventListener("click", togglePause);
