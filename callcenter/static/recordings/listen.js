// The contractor's link page: pressing "Listen" records the replay in the audit and gives the
// player a ticket for this link.
"use strict";

(function () {
  const root = document.getElementById("listen");
  if (!root) return;
  const T = JSON.parse(document.getElementById("cc-texts").textContent);
  const token = root.dataset.token;

  async function listen(article) {
    const status = article.querySelector(".status");
    const audio = article.querySelector("audio");
    status.textContent = T.authorizing;
    let response;
    try {
      response = await fetch(`/listen/${encodeURIComponent(token)}/replays`, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ recording_id: article.dataset.recording }),
      });
    } catch (err) {
      status.textContent = T.network_failed;
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = data.message || T.failed;
      status.className = "status error";
      return;
    }
    status.textContent = "";
    audio.src = data.audio_url;
    audio.play().catch(() => {});
  }

  for (const article of root.querySelectorAll("article.recording")) {
    const button = article.querySelector("button.listen");
    if (button) button.addEventListener("click", () => listen(article));
  }
})();
