// Starts the NHS.UK frontend components (header menu, error summary focus, skip link, ...).
import { initAll } from "nhsuk-frontend"; // mapped to its hashed URL by base.html

initAll();

// "Print this page" buttons are hidden until JavaScript can make them work. They are found by
// data-app-print: the NHS.UK button macro gives every button data-module="nhsuk-button".
for (const button of document.querySelectorAll("[data-app-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
