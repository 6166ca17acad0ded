// The score sheet: live totals (per dimension and overall, scaled out of the set's total) and the
// "filled 8/12" count of each dimension; the "more than 30 % from the self score" hint on review
// and recheck sheets; the draft autosaved as the user types (debounced, one request at a time,
// carrying the page's version and taking the new one back, so that the final save is never
// refused as stale by the page's own autosaves); a question before leaving with unsaved changes;
// htmx's evidence parts swapped in place even when they carry a refusal (400/403/409).
(function () {
  const form = document.getElementById("sheet");
  if (!form) return;
  const factor = parseFloat(form.dataset.factor) || 1;
  const fmt = (n) => (Math.round(n * 100) / 100).toFixed(2).replace(/\.?0+$/, "");
  const status = document.getElementById("autosave-status");
  const versionInput = form.querySelector("input[name=version]");
  const DRAFT_FIELD = /^(score|comment|veto)-\d+$/;

  function update() {
    const dims = {};
    const filled = {};
    let total = 0;
    form.querySelectorAll("[data-score]").forEach((input) => {
      const value = parseFloat(input.value);
      const ok = !Number.isNaN(value);
      const dim = input.dataset.dim;
      dims[dim] = (dims[dim] || 0) + (ok ? value : 0);
      filled[dim] = (filled[dim] || 0) + (input.value.trim() !== "" ? 1 : 0);
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
    form.querySelectorAll("[data-dim-filled]").forEach((out) => {
      out.textContent = String(filled[out.dataset.dimFilled] || 0);
    });
    const out = form.querySelector("[data-total-out]");
    if (out) out.textContent = fmt(total * factor);
  }

  // Autosave -----------------------------------------------------------------------------------
  const url = form.dataset.autosave;
  const DELAY_MS = 1200;
  const RETRY_MS = 8000;
  let timer = null;
  let inflight = null; // the running request's promise
  let changed = 0; // edits so far
  let saved = 0; // edits that the server holds
  let stopped = false; // a stale version or a closed sheet: only a reload helps
  let leaving = false;
  let waitingSubmitter = undefined;

  const dirty = () => changed !== saved;

  function schedule(delay) {
    if (!url || stopped) return;
    clearTimeout(timer);
    timer = setTimeout(autosave, delay);
  }

  function draftBody() {
    const body = new URLSearchParams();
    for (const [name, value] of new FormData(form)) {
      if (name === "version" || name === "csrfmiddlewaretoken" || DRAFT_FIELD.test(name)) body.append(name, value);
    }
    return body;
  }

  function show(html) {
    if (status) status.innerHTML = html;
  }

  function autosave() {
    timer = null;
    if (inflight || !dirty() || stopped) return; // a running request reschedules when it ends
    const upTo = changed;
    const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    inflight = fetch(url, {
      method: "POST",
      body: draftBody(),
      headers: { "X-CSRFToken": token },
      credentials: "same-origin",
    })
      .then((response) => response.text().then((html) => {
        const box = document.createElement("div");
        box.innerHTML = html;
        const result = box.querySelector("[data-autosave-result]");
        if (response.ok && result) {
          versionInput.value = result.dataset.version;
          saved = upTo;
        } else if (response.status === 409 || response.status === 403 || response.status === 404) {
          stopped = true;
        }
        if (result) show(result.outerHTML);
        else show(status.dataset.offline);
      }))
      .catch(() => {
        show(status.dataset.offline);
        setTimeout(() => schedule(0), RETRY_MS);
      })
      .finally(() => {
        inflight = null;
        if (waitingSubmitter !== undefined) {
          const submitter = waitingSubmitter;
          waitingSubmitter = undefined;
          form.requestSubmit(submitter);
        } else if (changed > upTo) {
          schedule(DELAY_MS); // typed on meanwhile
        }
      });
  }

  function edited(event) {
    if (!DRAFT_FIELD.test(event.target.name || "")) return;
    changed += 1;
    update();
    schedule(DELAY_MS);
  }
  form.addEventListener("input", edited);
  form.addEventListener("change", (event) => {
    if (event.target.type === "radio") edited(event);
  });

  // A save or finish of the whole form carries every field: no autosave is needed any more, but
  // one already under way must end first, or the form would carry the version it replaced.
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (inflight) {
      event.preventDefault();
      waitingSubmitter = event.submitter || null;
    }
  });
  // Listened to on window: after the confirmation (dialogs.js) had its say on document.
  window.addEventListener("submit", (event) => {
    if (event.target === form && !event.defaultPrevented) leaving = true;
  });
  window.addEventListener("beforeunload", (event) => {
    if (leaving || !(dirty() || inflight)) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // Evidence in place: htmx swaps a part that carries a refusal too (it is meant to be read).
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const code = event.detail.xhr.status;
    if ([400, 403, 404, 409, 413].includes(code) && event.detail.target?.classList.contains("evidence")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  const copy = document.querySelector("[data-copy-self]");
  if (copy) copy.addEventListener("click", () => {
    let any = false;
    form.querySelectorAll("[data-score][data-self]").forEach((input) => {
      if (input.value === "") { input.value = parseFloat(input.dataset.self); any = true; }
    });
    if (any) { changed += 1; schedule(DELAY_MS); }
    update();
  });
  update();
})();
