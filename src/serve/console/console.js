// The club console's only script. Pages work without it; it asks before a form marked
// `data-confirm` writes to the ledger, so a slip of the hand does not adjust points.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form instanceof HTMLFormElement ? form.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
