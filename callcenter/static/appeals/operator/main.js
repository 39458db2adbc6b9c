// The operator's page: live screen pops from /ws/operator (docs/screen-pops.md), the appeal
// form, appeal search and the services directory. Plain JavaScript modules, no framework.
// Whatever the operator typed stays in the form and in sessionStorage until the server says
// it is saved.
import { Connection } from "./connection.js";
import { fields, form, loadAppeal, markNeeds, restoreDraft } from "./form.js";
import { handle } from "./pop.js";
import { save } from "./saving.js";
import { askDirectory } from "./search.js";
import "./streets.js";
import "./routing.js";
import "./keys.js";

const connection = new Connection(handle);
window.ccOperator = { handle, connection, loadAppeal, form, save, fields };
markNeeds();
// `/operator?appeal=2026-000042` (a missed caller reached on a call-back): that appeal in the
// form, unless an unsaved draft is waiting (the draft wins: nothing typed is lost).
const asked = new URLSearchParams(window.location.search).get("appeal");
if (asked && !sessionStorage.getItem("cc-operator-draft")) loadAppeal(asked);
else restoreDraft();
connection.open();
askDirectory();
