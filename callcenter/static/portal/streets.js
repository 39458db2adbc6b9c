// Street suggestions for the portal's address: fills the field's <datalist> as the resident
// types (the form works without this script; it only helps to pick the official name).
(function () {
  "use strict";
  const street = document.getElementById("street");
  const list = document.getElementById("street-list");
  if (!street || !list) return;
  let timer = null;
  let asked = 0;

  async function ask() {
    const typed = street.value.trim();
    if (typed.length < 2) return;
    const mine = ++asked;
    try {
      const response = await fetch("/portal/streets?limit=8&q=" + encodeURIComponent(typed));
      if (!response.ok || mine !== asked) return;
      const items = await response.json();
      list.replaceChildren(...items.map((item) => {
        const option = document.createElement("option");
        option.value = item.short;
        return option;
      }));
    } catch (error) {
      // no suggestions this time: the field still takes what is typed
    }
  }

  street.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(ask, 150);
  });
})();
