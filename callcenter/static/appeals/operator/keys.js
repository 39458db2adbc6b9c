// The page's keyboard shortcuts, listed in the help dialog (`?`, or the "Keys" button).
// Keys by their place on the keyboard (event.code), so Alt+N works on the Ukrainian layout.
import { $ } from "./tools.js";
import { form, formNode } from "./form.js";
import { focusCategory } from "./categories.js";
import { togglePause } from "./pause.js";
import { openCallAppeal } from "./pop.js";
import { setSound, soundOn } from "./ring.js";
import { save } from "./saving.js";

const help = $("keys");
const WITH_ALT = {
  KeyN: () => $("add-another").click(),
  KeyO: openCallAppeal,
  KeyC: focusCategory,
  KeyF: () => $("s-q").focus(),
  KeyD: () => $("directory-q").focus(),
  KeyP: togglePause,
  KeyM: () => setSound(!soundOn()),
};

function typing(node) {
  if (!node || !node.tagName) return false;
  if (node.isContentEditable || node.tagName === "TEXTAREA" || node.tagName === "SELECT") return true;
  return node.tagName === "INPUT" && !["checkbox", "radio", "button", "submit"].includes(node.type);
}

export function openHelp() {
  if (!help.open) help.showModal();
}

document.addEventListener("keydown", (event) => {
  if (event.altKey && !event.ctrlKey && !event.metaKey && WITH_ALT[event.code]) {
    event.preventDefault();
    WITH_ALT[event.code]();
  } else if ((event.ctrlKey || event.metaKey) && event.key === "Enter"
             && !formNode.contains(event.target) && form.number) {
    save(event);  // inside the form saving.js has it already
  } else if (event.key === "?" && !event.ctrlKey && !event.altKey && !typing(event.target)) {
    event.preventDefault();
    openHelp();
  }
});
$("keys-open").addEventListener("click", openHelp);
