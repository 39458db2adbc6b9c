// A ringing call is announced, not just written in a table: the call panel changes colour,
// the tab's title names the caller, a short tone plays (WebAudio, again every few seconds
// while it rings) and, where the operator allowed it, a desktop notification shows. The tone
// can be muted; the choice is kept in localStorage. `data-tones` on #operator counts the
// tones played and `data-audio` says whether the audio runs (the page's tests read them).
import { $, T, fmt } from "./tools.js";

const root = $("operator");
const soundBox = $("sound-on");
const askButton = $("notify-ask");
const SOUND_KEY = "cc-operator-sound";
const REPEAT_MS = 3000;
const baseTitle = document.title;
const ringing = { repeat: null, notice: null, audio: null };

export function soundOn() {
  return soundBox.checked;
}

export function setSound(on) {
  soundBox.checked = on;
  root.dataset.sound = on ? "on" : "off";
  try {
    localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  } catch (error) {
    // storage disabled: the setting holds until the page is reloaded
  }
}

function loadSetting() {
  let stored = null;
  try {
    stored = localStorage.getItem(SOUND_KEY);
  } catch (error) {
    stored = null;
  }
  soundBox.checked = stored !== "off";
  root.dataset.sound = soundBox.checked ? "on" : "off";
}

function audio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return null;
  if (!ringing.audio) ringing.audio = new Context();
  if (ringing.audio.state === "suspended") ringing.audio.resume().catch(() => {});
  return ringing.audio;
}

// Two short notes, 880 then 660 Hz, each faded in and out (no click).
function tone() {
  if (!soundOn()) return;
  const context = audio();
  if (!context) return;
  const now = context.currentTime;
  for (const [offset, frequency] of [[0, 880], [0.25, 660]]) {
    const oscillator = context.createOscillator();
    const gain = context.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, now + offset);
    gain.gain.exponentialRampToValueAtTime(0.25, now + offset + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + offset + 0.2);
    oscillator.connect(gain).connect(context.destination);
    oscillator.start(now + offset);
    oscillator.stop(now + offset + 0.22);
  }
  root.dataset.tones = String(Number(root.dataset.tones || 0) + 1);
  root.dataset.audio = context.state;  // "running": heard; "suspended": the page was not touched
}

function notify(card) {
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  try {
    const notice = new Notification(T.notify_title, {
      body: fmt(T.notify_body, { caller: card.caller || T.withheld,
                                 number: card.appeal ? card.appeal.number : "—" }),
      tag: "cc-call", requireInteraction: false });
    notice.onclick = () => {
      window.focus();
      notice.close();
    };
    ringing.notice = notice;
  } catch (error) {
    ringing.notice = null;  // a browser that allows only service-worker notifications
  }
}

export function ring(card) {
  root.classList.add("ringing");
  document.title = fmt(T.ringing_title, { caller: card.caller || T.withheld }) + " · " + baseTitle;
  clearInterval(ringing.repeat);
  tone();
  ringing.repeat = setInterval(tone, REPEAT_MS);
  if (ringing.notice) ringing.notice.close();
  notify(card);
}

export function quiet() {
  root.classList.remove("ringing");
  document.title = baseTitle;
  clearInterval(ringing.repeat);
  ringing.repeat = null;
  if (ringing.notice) ringing.notice.close();
  ringing.notice = null;
}

loadSetting();
soundBox.addEventListener("change", () => setSound(soundBox.checked));
// Browsers let a page play sound only after the user touched it: the first key or click
// prepares the audio, so the first ring is heard.
for (const kind of ["pointerdown", "keydown"]) {
  document.addEventListener(kind, () => audio(), { once: true, capture: true });
}
if ("Notification" in window && Notification.permission === "default") {
  askButton.hidden = false;
  askButton.addEventListener("click", async () => {
    try {
      await Notification.requestPermission();
    } finally {
      askButton.hidden = Notification.permission !== "default";
    }
  });
}
