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
restoreDraft();
connection.open();
askDirectory();
