// Reason dialogs: a button with data-dialog opens the <dialog> of that id; Escape or Cancel closes it.
document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialog);
    if (dialog && dialog.showModal) { dialog.showModal(); dialog.querySelector("textarea, input, button")?.focus(); }
    return;
  }
  const closer = event.target.closest("[data-close]");
  if (closer) closer.closest("dialog")?.close();
});
document.addEventListener("submit", (event) => {
  if (event.defaultPrevented) return; // held back by the page (e.g. until its autosave ends)
  const message = event.submitter?.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
