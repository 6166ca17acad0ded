// The print button of the document pages (the page prints without it: see print.css).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
