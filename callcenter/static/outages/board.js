// The supervisors' board: outages drawing calls in the last hour and probable unreported ones
// (/api/outages/watch), refreshed every 30 s; registering one is a click on /outages. Above
// them, the announcements callers hear before the queue and how many hung up once told.
(function () {
  "use strict";
  const panel = document.getElementById("outages-board");
  if (!panel) return;
  const words = panel.dataset;
  const say = (text, n) => text.replace("%(n)s", String(n));

  function item(text, href) {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = href;
    link.textContent = text;
    li.append(link);
    return li;
  }

  async function refresh() {
    let data = null;
    try {
      const answer = await fetch("/api/outages/watch", { credentials: "same-origin",
                                                         headers: { Accept: "application/json" } });
      if (answer.ok) data = await answer.json();
    } catch (error) {
      data = null;
    }
    if (!data) return;
    document.getElementById("outages-drawing").replaceChildren(...data.drawing.map((o) =>
      item(`${o.title}: ${o.addresses.join("; ")} · ${say(words.calls, o.calls_last_hour)}`,
           `/outages/${o.id}`)));
    const announced = (data.announcements || []).map((a) =>
      item(`«${a.text}» · ${words.heard.replace("%(calls)s", String(a.calls))
        .replace("%(left)s", String(a.left_before_queue))}`, "/outages/announcement"));
    document.getElementById("outages-announced").replaceChildren(
      ...(announced.length ? announced : [item(words.silent, "/outages/announcement")]));
    document.getElementById("outages-probable").replaceChildren(...data.probable.map((p) =>
      item(`${p.street} · ${say(words.appeals, p.appeals)}`, "/outages#probable")));
  }

  refresh();
  setInterval(refresh, 30000);
})();
