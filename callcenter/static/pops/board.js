// The supervisors' live board: the whole board arrives on /ws/board after every change.
"use strict";
(function () {
  const root = document.getElementById("board");
  const label = (name) => root.dataset[name] || name;
  const lines = JSON.parse(document.getElementById("board-lines").textContent);
  const LONG = 60, VERY_LONG = 180; // seconds of waiting marked yellow, then red
  let board = null;
  let skew = 0; // server time minus ours, so durations count from the server's clock

  function age(iso) {
    return Math.max(0, Math.floor((Date.now() + skew - Date.parse(iso)) / 1000));
  }

  function waitClass(iso) {
    const seconds = age(iso);
    return seconds >= VERY_LONG ? "wait-very-long" : seconds >= LONG ? "wait-long" : "";
  }

  function since(iso) {
    const seconds = age(iso);
    const m = Math.floor(seconds / 60), s = seconds % 60;
    return m + ":" + String(s).padStart(2, "0");
  }

  function row(cells, cls) {
    const tr = document.createElement("tr");
    if (cls) tr.className = cls;
    for (const text of cells) {
      const td = document.createElement("td");
      td.textContent = text;
      tr.appendChild(td);
    }
    return tr;
  }

  function draw() {
    if (!board) return;
    const waiting = document.getElementById("waiting");
    waiting.replaceChildren(...board.waiting.map((w) => row([
      w.position, w.caller || label("withheld"), w.carrier || lines[w.line] || "",
      since(w.waiting_since)], waitClass(w.waiting_since))));
    document.getElementById("waiting-count").textContent = board.waiting.length;
    const seats = document.getElementById("seats");
    seats.replaceChildren(...board.seats.map((s) => row([
      s.operator || label("nobody"), label("state" + s.state[0].toUpperCase() + s.state.slice(1)),
      since(s.since)], "seat-" + s.state)));
  }

  function connect() {
    const scheme = location.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(scheme + "//" + location.host + "/ws/board");
    const status = document.getElementById("board-status");
    socket.onmessage = (event) => {
      board = JSON.parse(event.data);
      skew = Date.parse(board.at) - Date.now();
      status.hidden = true;
      draw();
    };
    socket.onclose = (event) => {
      if (event.code === 4401) { location.href = "/login?next=/supervisor/board"; return; }
      status.textContent = label("lost");
      status.hidden = false;
      setTimeout(connect, 2000);
    };
  }

  connect();
  setInterval(draw, 1000);
})();
