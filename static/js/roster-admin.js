// A move that ends or cancels a case is confirmed in a dialog that names its consequence; without this
// script the server asks on a page of its own (roster/views/entries.py).
document.addEventListener("submit", (event) => {
  const form = event.target;
  const consequence = form.dataset.consequence;
  if (!consequence || form.elements.confirmed.value === "True") return;
  const dialog = document.getElementById("roster-confirm");
  if (!dialog || typeof dialog.showModal !== "function") return;
  event.preventDefault();
  dialog.querySelector("[data-confirm-label]").textContent = form.dataset.label;
  dialog.querySelector("[data-confirm-consequence]").textContent = consequence;
  dialog.querySelector("[data-confirm-button]").textContent = "确认" + form.dataset.label;
  dialog.returnValue = "";
  dialog.onclose = () => {
    if (dialog.returnValue !== "confirm") return;
    form.elements.confirmed.value = "True";
    form.requestSubmit();
  };
  dialog.showModal();
});
