// Live totals of a score sheet: per dimension and overall, scaled out of the set's total, and the
// "more than 30 % from the self score" hint on review and recheck sheets.
(function () {
  const form = document.getElementById("sheet");
  if (!form) return;
  const factor = parseFloat(form.dataset.factor) || 1;
  const fmt = (n) => (Math.round(n * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
  function update() {
    const dims = {};
    let total = 0;
    form.querySelectorAll("[data-score]").forEach((input) => {
      const value = parseFloat(input.value);
      const ok = !Number.isNaN(value);
      const dim = input.dataset.dim;
      dims[dim] = (dims[dim] || 0) + (ok ? value : 0);
      if (ok) total += value;
      const box = input.closest(".indicator");
      const max = parseFloat(input.dataset.max);
      const bad = ok && (value < 0 || value > max || Math.round(value * 2) !== value * 2);
      input.classList.toggle("out-of-range", bad);
      if (input.dataset.self !== undefined) {
        const far = ok && Math.abs(value - parseFloat(input.dataset.self)) > parseFloat(input.dataset.gap);
        box.classList.toggle("gap", far);
        const hint = box.querySelector(".gap-hint");
        if (hint) hint.hidden = !far;
        const comment = box.querySelector("textarea");
        if (comment) comment.required = far;
      }
    });
    form.querySelectorAll("[data-dim-total]").forEach((out) => {
      out.textContent = fmt((dims[out.dataset.dimTotal] || 0) * factor);
    });
    const out = form.querySelector("[data-total-out]");
    if (out) out.textContent = fmt(total * factor);
  }
  form.addEventListener("input", update);
  const copy = form.querySelector("[data-copy-self]");
  if (copy) copy.addEventListener("click", () => {
    form.querySelectorAll("[data-score][data-self]").forEach((input) => {
      if (input.value === "") input.value = parseFloat(input.dataset.self);
    });
    update();
  });
  update();
})();
