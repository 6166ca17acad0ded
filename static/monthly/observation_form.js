// Live total of the observation form, and a red border on a score above its item's maximum.
(function () {
  const form = document.getElementById("observation-form");
  if (!form) return;
  const out = form.querySelector("[data-total-out]");
  function update() {
    let total = 0;
    form.querySelectorAll("[data-score]").forEach((input) => {
      const value = parseFloat(input.value);
      const ok = !Number.isNaN(value);
      if (ok) total += value;
      input.classList.toggle("out-of-range", ok && (value < 0 || value > parseFloat(input.dataset.max)));
    });
    out.textContent = (Math.round(total * 10) / 10).toString();
  }
  form.addEventListener("input", update);
  update();
})();
