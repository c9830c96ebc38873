// Starts the NHS.UK frontend components (header menu, error summary focus, skip link, ...).
import { initAll } from "/assets/nhsuk-frontend.min.js";

initAll();
