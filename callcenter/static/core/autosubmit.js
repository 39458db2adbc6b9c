// A <select data-autosubmit> sends its form when changed (an inline onchange= handler would
// be refused by the Content-Security-Policy).
"use strict";
for (const select of document.querySelectorAll("select[data-autosubmit]")) {
  select.addEventListener("change", () => select.form.submit());
}
