// Starts the NHS.UK frontend components (header menu, error summary focus, skip link, ...).
import { initAll } from "nhsuk-frontend"; // mapped to its hashed URL by base.html

initAll();

// "Print this page" buttons are hidden until JavaScript can make them work.
for (const button of document.querySelectorAll("[data-module='app-print']")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
