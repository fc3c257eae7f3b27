// LSTM explainer: the interactive layer. The server renders every step, so the page reads
// fully without this file; it adds a stepper (one step at a time, keyboard, URL fragment),
// live editing (the form, or a number clicked on the page), highlights that show which row
// and entries made a result, copy-as-LaTeX, and a short link's Copy button. Same-origin, no
// inline code (the CSP).
"use strict";

(() => {
  const form = document.querySelector("form.inputs");
  const worked = document.getElementById("worked");
  if (!form || !worked) return;
  document.documentElement.classList.add("js");

  const state = { active: null, showAll: false, colour: true, seq: 0, pending: false, loaded: false };
  const stepEls = () => Array.from(worked.querySelectorAll("article[data-step]"));
  const byId = (id) => worked.querySelector(`article[data-step="${CSS.escape(id)}"]`);

  // ------------------------------------------------------------------ the stepper

  function setUp() {
    // Called on load and after every live update (the worked part is replaced).
    const nav = worked.querySelector(".stepper");
    if (!nav) return;
    nav.hidden = false;
    nav.querySelector(".show-all").checked = state.showAll;
    nav.querySelector(".colour").checked = state.colour;
    worked.querySelector(".worked").classList.toggle("stepping", !state.showAll);
    worked.querySelector(".worked").classList.toggle("no-colour", !state.colour);
    for (const step of stepEls()) if (!step.classList.contains("asked")) addCopyButton(step);
    showShortLink();
    for (const td of worked.querySelectorAll("table[data-field] td")) {
      td.tabIndex = 0;
      td.classList.add("editable");
    }
    for (const fig of worked.querySelectorAll(".expr figure:last-of-type:not(.answer) td")) fig.tabIndex = 0;
    restorePractice();
    const linked = fromHash();
    const wanted = linked || (state.active && byId(state.active) ? state.active : null);
    activate(wanted || stepEls()[0]?.dataset.step, false);
    // A link to a step (#f.sigmoid): the browser scrolled before the other steps were hidden.
    if (linked && !state.loaded) requestAnimationFrame(() => showHeading(byId(linked)));
    state.loaded = true;
  }

  // Bring a step's heading into view just below the stepper (sticky at the top of the screen),
  // unless it is already there, whole and uncovered.
  function showHeading(step) {
    const nav = worked.querySelector(".stepper");
    const head = step.querySelector("h4") || step;
    const r = head.getBoundingClientRect();
    const below = Math.max(nav.getBoundingClientRect().bottom, 0);
    if (r.top >= below && r.bottom <= window.innerHeight) return;
    window.scrollBy({ top: r.top - nav.offsetHeight - 8 });
  }

  // A row of matrices too wide for the screen scrolls in its own box: reachable by keyboard.
  // Only shown rows can be measured, so this runs whenever what is shown changes.
  function markScrollers() {
    for (const expr of worked.querySelectorAll(".expr")) {
      if (expr.scrollWidth > expr.clientWidth) expr.tabIndex = 0;
    }
  }

  function fromHash() {
    const id = decodeURIComponent(location.hash.slice(1));
    return id && byId(id) ? id : null;
  }

  function activate(id, push) {
    const steps = stepEls();
    const index = steps.findIndex((s) => s.dataset.step === id);
    if (index < 0) return;
    state.active = id;
    for (const s of steps) {
      if (s.dataset.step === id) s.setAttribute("aria-current", "step");
      else s.removeAttribute("aria-current");
    }
    const nav = worked.querySelector(".stepper");
    nav.querySelector(".progress").textContent = `Step ${index + 1} of ${steps.length}`;
    nav.querySelector(".prev").disabled = index === 0;
    nav.querySelector(".next").disabled = index === steps.length - 1;
    const T = worked.querySelectorAll(".chain g.cell").length;
    const t = timeOf(id);
    if (nav.querySelector(".prev-time")) {
      nav.querySelector(".prev-time").disabled = t <= 1;
      nav.querySelector(".next-time").disabled = t >= T;
    }
    nav.querySelector(".jump").value = id;
    markScrollers();
    // A sequence's cell diagram shows the values of the active step's time step.
    const figures = worked.querySelectorAll(".diagram-at[data-time]");
    if (figures.length > 1) {
      for (const f of figures) f.hidden = Number(f.dataset.time) !== timeOf(id);
    }
    // The diagram and anything else tagged with the steps it belongs to lights up.
    for (const part of document.querySelectorAll("[data-steps]")) {
      part.classList.toggle("lit", part.dataset.steps.split(" ").includes(id));
    }
    if (push) {
      history.pushState(null, "", `#${id}`);
      showHeading(steps[index]);
    }
  }

  // A sequence's steps carry their time step in their ids (t2.f.matmul, grad.t2.…).
  const timeOf = (id) => Number((/^(?:grad\.)?t(\d+)\./.exec(id) || [])[1] || 0);

  // The first step of the next (+1) or previous (−1) time step on this page; a sequence shown
  // one time step per page goes to that time step's page instead (the chain's link to it).
  function moveTime(delta) {
    const steps = stepEls();
    const now = timeOf(state.active);
    const target = steps.find((s) => timeOf(s.dataset.step) === now + delta);
    if (target) {
      activate(target.dataset.step, true);
      return;
    }
    const other = worked.querySelector(`.chain g.cell[data-time="${now + delta}"]`);
    const href = other && other.parentElement.getAttribute("href");
    if (href && !href.startsWith("#")) location.href = href;
  }

  function move(delta) {
    const steps = stepEls();
    const index = steps.findIndex((s) => s.dataset.step === state.active);
    const next = delta === "first" ? 0 : delta === "last" ? steps.length - 1
      : Math.min(steps.length - 1, Math.max(0, index + delta));
    if (next !== index) activate(steps[next].dataset.step, true);
  }

  worked.addEventListener("click", (e) => {
    const t = e.target;
    if (t.closest(".stepper .prev")) move(-1);
    else if (t.closest(".stepper .next")) move(1);
    else if (t.closest(".stepper .prev-time")) moveTime(-1);
    else if (t.closest(".stepper .next-time")) moveTime(1);
    else if (t.closest(".stepper .copy-all")) copy(allLatex(), t.closest("button"));
    else if (t.closest(".short-link .copy-link")) {
      copy(worked.querySelector(".short-link a.short").href, t.closest("button"), "Copy failed: select the link");
    }
    else if (t.closest("button.copy")) {
      const step = t.closest("article[data-step]");
      copy(step.querySelector(".latex pre").textContent, t.closest("button"));
    } else if (t.closest("table[data-field] td")) startEdit(t.closest("td"));
  });

  worked.addEventListener("change", (e) => {
    const t = e.target;
    if (t.matches(".stepper .jump")) activate(t.value, true);
    else if (t.matches(".stepper .show-all")) {
      state.showAll = t.checked;
      worked.querySelector(".worked").classList.toggle("stepping", !state.showAll);
      markScrollers();
    } else if (t.matches(".stepper .colour")) {
      state.colour = t.checked;
      worked.querySelector(".worked").classList.toggle("no-colour", !state.colour);
    }
  });

  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.target.closest("input, textarea, select, [contenteditable]")) return;
    if (e.target.closest("td.editable") && e.key === "Enter") {
      e.preventDefault();
      startEdit(e.target.closest("td"));
      return;
    }
    const time = { PageUp: -1, PageDown: 1 }[e.key];
    if (time !== undefined && worked.querySelector(".chain")) {
      e.preventDefault();
      moveTime(time);
      return;
    }
    const action = { ArrowLeft: -1, ArrowRight: 1, Home: "first", End: "last" }[e.key];
    if (action === undefined || !stepEls().length) return;
    e.preventDefault();
    move(action);
  });

  window.addEventListener("popstate", () => {
    const id = fromHash();
    if (!id) return;
    activate(id, false);
    requestAnimationFrame(() => showHeading(byId(id)));  // it may have been hidden when the browser scrolled
  });

  // ---------------------------------------------------------------- live editing

  let timer = null;
  // performance.measure("live-update") times each edit from the keystroke to the new steps on
  // screen (the benchmark, bench/run.py, reports it against its 100 ms target).
  form.addEventListener("input", () => {
    if (!state.pending) performance.mark("edit");
    state.pending = true;
    clearTimeout(timer);
    timer = setTimeout(update, 8); // a short pause: keys pressed together send one request
  });
  form.addEventListener("change", (e) => {
    if (e.target.matches("select")) update();
  });

  async function update() {
    const seq = ++state.seq;
    let reply;
    try {
      const response = await fetch(form.dataset.fragment, {
        method: "POST",
        body: new URLSearchParams(new FormData(form)),
        headers: { Accept: "application/json" },
      });
      reply = await response.json();
    } catch (err) {
      reply = { ok: false, errors: [{ field: "body", message: "The server could not be reached; the result below is from before your last change." }] };
    }
    if (seq !== state.seq) return; // a newer edit is on its way: this answer is stale
    showErrors(reply.errors || []);
    const section = worked.querySelector(".worked");
    if (!reply.ok) {
      if (section) section.classList.add("stale");
      return;
    }
    const next = document.createElement("template");
    next.innerHTML = reply.html;
    morph(worked, next.content, true);
    setUp();
    if (state.pending) {
      state.pending = false;
      performance.measure("live-update", "edit");
    }
    if (reply.permalink) {
      history.replaceState(null, "", reply.permalink + location.hash);
      const canonical = document.querySelector('link[rel="canonical"]');
      if (canonical) canonical.href = reply.permalink;
    }
  }

  // A message's braced subscripts as subscripts, as the server writes them (h_{t-1} → hₜ₋₁).
  function withSubscripts(text) {
    const parts = text.split(/_\{([^{}]*)\}/);
    return parts.map((part, k) => {
      if (k % 2 === 0) return document.createTextNode(part);
      const sub = document.createElement("sub");
      sub.textContent = part.replaceAll("-", "−");
      return sub;
    });
  }

  function showErrors(errors) {
    // Also where the learner is looking: at the top of the steps, with a way to the field.
    const live = worked.querySelector(".live-errors");
    if (live) {
      live.hidden = !errors.length;
      live.replaceChildren(...errors.slice(0, 3).map((e) => {
        const p = document.createElement("p");
        const a = document.createElement("a");
        a.href = `#field-${e.field}`;
        a.append(...withSubscripts(e.message));
        p.append(a);
        return p;
      }));
    }
    const byField = new Map(errors.map((e) => [e.field, e.message]));
    for (const input of form.querySelectorAll(".field input, .field textarea")) {
      const name = input.name;
      const field = input.closest(".field");
      let p = field.querySelector("p.error");
      const message = byField.get(name);
      field.classList.toggle("invalid", Boolean(message));
      const described = [`hint-${name}`];
      if (message) {
        if (!p) {
          p = document.createElement("p");
          p.className = "error";
          p.id = `error-${name}`;
          field.append(p);
        }
        p.replaceChildren(...withSubscripts(message));
        input.setAttribute("aria-invalid", "true");
        described.push(p.id);
        byField.delete(name);
      } else {
        p?.remove();
        input.removeAttribute("aria-invalid");
      }
      input.setAttribute("aria-describedby", described.join(" "));
    }
    // What is not about one field (a damaged link, the server unreachable) goes on top.
    let summary = form.querySelector(".error-summary");
    if (!byField.size) {
      summary?.remove();
      return;
    }
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "error-summary";
      summary.setAttribute("role", "alert");
      form.querySelector(".concat").before(summary);
    }
    summary.replaceChildren(...Array.from(byField.values(), (m) => {
      const p = document.createElement("p");
      p.replaceChildren(...withSubscripts(m));
      return p;
    }));
  }

  // Click a number of an input (x, h_prev, W_f, …) on the page, type, press Enter.
  function startEdit(td) {
    if (td.querySelector("input")) return;
    const table = td.closest("table[data-field]");
    const input = document.createElement("input");
    input.value = exactValue(td);
    input.className = "cell-edit";
    input.setAttribute("aria-label", `${table.dataset.field}, row ${td.parentElement.rowIndex + 1}, entry ${td.cellIndex + 1}`);
    input.size = Math.max(4, input.value.length);
    const before = td.textContent;
    td.textContent = "";
    td.append(input);
    input.focus();
    input.select();
    let done = false;
    const finish = (commit) => {
      if (done) return;
      done = true;
      const text = input.value.trim();
      td.textContent = before;
      if (commit && text !== exactValue(td)) {
        td.dataset.typed = text;
        writeField(table);
      }
      td.focus();
    };
    input.addEventListener("keydown", (e) => {
      if (e.key === "Enter") { e.preventDefault(); finish(true); }
      else if (e.key === "Escape") { e.preventDefault(); finish(false); }
    });
    input.addEventListener("blur", () => finish(true));
  }

  // The exact value of a cell: its hover title holds it when the text is rounded.
  function exactValue(td) {
    if (td.dataset.typed !== undefined) return td.dataset.typed;
    return td.title && !td.classList.contains("sat") ? td.title : td.textContent;
  }

  function writeField(table) {
    const rows = Array.from(table.rows, (tr) => Array.from(tr.cells, exactValue));
    const isVector = rows.every((r) => r.length === 1);
    const text = isVector ? rows.map((r) => r[0]).join(", ") : rows.map((r) => r.join(", ")).join("\n");
    const field = form.elements.namedItem(table.dataset.field);
    field.value = text;
    field.dispatchEvent(new Event("input", { bubbles: true }));
  }

  // ------------------------------------------------------------------ highlights

  // Hover or focus an entry: light up what made it. For W·v, the result's entry k came from
  // row k of W and all of v; elsewhere, entry k came from entry k of each operand.
  function highlight(td, on) {
    const step = td.closest("article[data-step]");
    const figs = Array.from(step.querySelectorAll(".expr figure"));
    const fig = td.closest("figure");
    const f = figs.indexOf(fig);
    if (f < 0) return;
    const k = td.parentElement.rowIndex;
    const cls = "hl";
    const mark = (el) => el && el.classList.toggle(cls, on);
    const rows = (figure) => figure.querySelector("table").rows;
    const op = step.dataset.op;
    const lines = step.querySelectorAll(".sums li");
    const readout = worked.querySelector(".readout");
    if (op === "matvec") {
      const [W, v, r] = figs;
      if (f === 1) return; // an entry of v feeds every row
      for (const c of rows(W)[k].cells) mark(c);
      for (const tr of rows(v)) mark(tr.cells[0]);
      mark(rows(r)[k].cells[0]);
    } else if (op === "concat") {
      const [a, b, v] = figs;
      const na = rows(a).length;
      const kv = f === 0 ? k : f === 1 ? na + k : k;
      mark(rows(v)[kv]?.cells[0]);
      mark(kv < na ? rows(a)[kv].cells[0] : rows(b)[kv - na].cells[0]);
    } else {
      for (const figure of figs) mark(rows(figure)[k]?.cells[0]);
    }
    mark(lines[k]);
    if (readout && on && lines[k]) readout.textContent = lines[k].textContent;
  }

  for (const kind of ["mouseover", "focusin"]) {
    worked.addEventListener(kind, (e) => {
      const td = e.target.closest?.(".expr td");
      if (td) highlight(td, true);
    });
  }
  for (const kind of ["mouseout", "focusout"]) {
    worked.addEventListener(kind, (e) => {
      const td = e.target.closest?.(".expr td");
      if (td) highlight(td, false);
    });
  }

  // ---------------------------------------------------------------------- LaTeX

  // Live editing changes numbers far more often than shapes: rather than swap the whole worked
  // section (the browser would parse, lay out and paint all of it again), patch the page in
  // place — text that changed, attributes that changed — and replace only the nodes whose kind
  // differs. What this script adds (the lit parts, the editable cells, the active step, the copy
  // buttons) it keeps or puts back in setUp().
  const KEEP_CLASSES = ["lit", "editable", "stepping", "no-colour"];
  const KEEP_ATTRIBUTES = new Set(["tabindex", "aria-current"]);

  function morph(current, next, childrenOnly = false) {
    if (!childrenOnly) {
      if (current.nodeType !== next.nodeType || current.nodeName !== next.nodeName) {
        current.replaceWith(next);
        return;
      }
      if (current.nodeType === Node.TEXT_NODE || current.nodeType === Node.COMMENT_NODE) {
        if (current.data !== next.data) current.data = next.data;
        return;
      }
      for (const { name, value } of Array.from(next.attributes)) {
        let wanted = value;
        if (name === "class") {
          const kept = KEEP_CLASSES.filter((c) => current.classList.contains(c) && !next.classList.contains(c));
          wanted = [value, ...kept].join(" ").trim();
        }
        if (current.getAttribute(name) !== wanted) current.setAttribute(name, wanted);
      }
      for (const { name } of Array.from(current.attributes)) {
        if (!next.hasAttribute(name) && !KEEP_ATTRIBUTES.has(name) && !(name === "class" && KEEP_CLASSES.some((c) => current.classList.contains(c)))) {
          current.removeAttribute(name);
        }
      }
      if (current.nodeName === "TEXTAREA" || current.nodeName === "INPUT") return;
    }
    const have = Array.from(current.childNodes);
    const want = Array.from(next.childNodes);
    want.forEach((child, k) => {
      if (k < have.length) morph(have[k], child);
      else current.append(child);
    });
    for (let k = want.length; k < have.length; k++) have[k].remove();
  }

  function addCopyButton(step) {
    if (step.querySelector("button.copy")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "copy";
    button.textContent = "Copy LaTeX";
    step.querySelector("h4").append(button);
  }

  // The whole derivation, as GET /latex writes it: a bold title and a $$ … $$ block per step.
  function allLatex() {
    return Array.from(worked.querySelectorAll(".latex pre"),
      (pre) => `**${pre.dataset.title}**\n\n$$ ${pre.textContent} $$\n`).join("\n");
  }

  // ------------------------------------------------------------------ short links

  // A short link's page: the link written out whole (the server may only know its path), and
  // its Copy button, which needs this script.
  function showShortLink() {
    const link = worked.querySelector(".short-link a.short");
    if (!link) return;
    link.textContent = link.href;
    worked.querySelector(".short-link .copy-link").hidden = false;
  }

  async function copy(text, button, failed = "Copy failed: select the LaTeX below") {
    let ok = true;
    try {
      await navigator.clipboard.writeText(text);
    } catch (err) {
      ok = false;
    }
    const label = button.textContent;
    button.textContent = ok ? "Copied" : failed;
    setTimeout(() => { button.textContent = label; }, 1500);
  }

  // ---------------------------------------------------------------- practice mode

  // The page asks for some steps' results (practice_view.py): one input per entry. Check asks
  // POST /api/v1/check and marks each entry; Reveal swaps in the worked steps the server
  // reveals. What the learner typed and revealed stays in this browser only (localStorage,
  // keyed by the example's permalink); nothing is sent anywhere but the check.
  const practiceForm = () => document.getElementById("practice");
  const answerInputs = (step) => Array.from(step.querySelectorAll('input[form="practice"]'));
  const storeKey = () => `lstm-practice:${practiceForm().dataset.store}`;

  function loadProgress() {
    try {
      return JSON.parse(localStorage.getItem(storeKey())) || {};
    } catch (err) {
      return {};
    }
  }

  function saveProgress(change) {
    const progress = { answers: {}, revealed: [], right: {}, ...loadProgress() };
    change(progress);
    try {
      localStorage.setItem(storeKey(), JSON.stringify(progress));
    } catch (err) {
      // private browsing or a full store: the page works, it only forgets
    }
    showProgress(progress);
  }

  function showProgress(progress) {
    const line = worked.querySelector(".practice-progress");
    if (!line) return;
    const asked = worked.querySelectorAll("article.asked").length + (progress.revealed || []).length;
    const right = Object.values(progress.right || {}).filter(Boolean).length;
    line.hidden = false;
    line.textContent = `Right so far: ${right} of ${asked} steps; revealed: ${(progress.revealed || []).length}. (Kept in this browser only.)`;
  }

  function restorePractice() {
    if (!practiceForm()) return;
    const progress = loadProgress();
    for (const step of worked.querySelectorAll("article.asked")) {
      const typed = (progress.answers || {})[step.dataset.step] || [];
      answerInputs(step).forEach((input, k) => {
        if (!input.value && typed[k]) input.value = typed[k];
      });
      mirror(step);
    }
    const revealed = (progress.revealed || []).filter((id) => byId(id)?.classList.contains("asked"));
    if (revealed.length) reveal(revealed, false);
    showProgress(progress);
  }

  // An operand that is another asked step's result shows what the learner typed there.
  function mirror(step) {
    const values = answerInputs(step).map((input) => input.value.trim());
    for (const fig of worked.querySelectorAll(`figure.mirror[data-mirror="${CSS.escape(step.dataset.step)}"]`)) {
      for (const td of fig.querySelectorAll("td[data-index]")) td.textContent = values[Number(td.dataset.index)] || "";
    }
  }

  worked.addEventListener("input", (e) => {
    const step = e.target.closest('article.asked');
    if (!step || !e.target.matches('input[form="practice"]')) return;
    mirror(step);
    const values = answerInputs(step).map((input) => input.value);
    saveProgress((p) => { p.answers[step.dataset.step] = values; });
  });

  worked.addEventListener("keydown", (e) => {
    // Enter in an entry checks its own step (the form's default button would be the first step's)
    if (e.key !== "Enter" || !e.target.matches('article.asked input[form="practice"]')) return;
    e.preventDefault();
    check(e.target.closest("article").dataset.step);
  });

  document.addEventListener("submit", (e) => {
    if (e.target.id !== "practice" || !e.submitter) return;
    e.preventDefault();
    if (e.submitter.name === "check") check(e.submitter.value);
    else if (e.submitter.name === "reveal") reveal([e.submitter.value], true);
  });

  function say(step, parts) {
    const verdict = step.querySelector(".verdict");
    verdict.replaceChildren(...parts);
  }

  function para(cls, text) {
    const p = document.createElement("p");
    p.className = cls;
    p.textContent = text;
    return p;
  }

  async function check(id) {
    const step = byId(id);
    const inputs = answerInputs(step);
    const empty = inputs.filter((input) => !input.value.trim()).length;
    if (empty) {
      say(step, [para("wrong-words", `Fill in every entry first: ${empty} of ${inputs.length} ${empty === 1 ? "is" : "are"} empty.`)]);
      inputs.find((input) => !input.value.trim()).focus();
      return;
    }
    const rows = Array.from(step.querySelector("figure.answer table").rows,
      (tr) => Array.from(tr.querySelectorAll("input"), (input) => input.value.trim()));
    const vector = rows.every((r) => r.length === 1);
    const form = practiceForm();
    const body = { ...JSON.parse(form.dataset.body), step: id, answer: vector ? rows.map((r) => r[0]) : rows };
    let reply, ok;
    try {
      const response = await fetch(form.dataset.check, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
      });
      ok = response.ok;
      reply = await response.json();
    } catch (err) {
      say(step, [para("wrong-words", "The server could not be reached: try Check again.")]);
      return;
    }
    if (!ok) {
      say(step, [para("wrong-words", (reply.errors || []).map((e) => e.message).join(" ") || "The check failed.")]);
      return;
    }
    const cols = rows[0].length;
    const marks = new Map(reply.entries.map((e) => [e.index.length === 1 ? e.index[0] : e.index[0] * cols + e.index[1], e.correct]));
    inputs.forEach((input, k) => {
      const right = marks.get(k);
      input.setAttribute("aria-invalid", right ? "false" : "true");
      input.classList.toggle("right", Boolean(right));
      input.classList.toggle("wrong", !right);
    });
    const wrong = reply.entries.map((e, k) => (e.correct ? null : k + 1)).filter((k) => k !== null);
    // "entry 3", "entries 2 and 3", "entries 1, 2 and 3": as practice_view.verdict_html writes it
    const which = (ks) => (ks.length === 1 ? `entry ${ks[0]}` : `entries ${ks.slice(0, -1).join(", ")} and ${ks[ks.length - 1]}`);
    const parts = [reply.correct
      ? para("right-words", `Right: all ${reply.entries.length} entries are correct.`)
      : para("wrong-words", `Not yet: ${wrong.length} of ${reply.entries.length} entries ${wrong.length === 1 ? "is" : "are"} wrong (${which(wrong)}).`)];
    if (reply.hints && reply.hints.length) {
      const ul = document.createElement("ul");
      ul.className = "hints";
      for (const hint of reply.hints) {
        const li = document.createElement("li");
        li.textContent = hint;
        ul.append(li);
      }
      parts.push(ul);
    }
    if (reply.diagnosis) parts.push(para("diagnosis", reply.diagnosis));
    say(step, parts);
    saveProgress((p) => { p.right[id] = Boolean(reply.correct); });
  }

  // Reveal asks the server what the form without JavaScript gets (POST to the form's action,
  // practice_view.reads_closure): the step worked, and every asked step it reads revealed too
  // (a worked step shows its operands), each swapped in whole, and the line that says so.
  async function reveal(ids, save) {
    const form = practiceForm();
    const data = new FormData(form);
    const wanted = [...new Set([...(data.get("revealed") || "").split(" ").filter(Boolean), ...ids])];
    data.set("revealed", wanted.join(" "));
    let page;
    try {
      const response = await fetch(form.action, {
        method: "POST", body: new URLSearchParams(data), headers: { Accept: "text/html" },
      });
      if (!response.ok) return;
      page = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch (err) {
      return;
    }
    const field = page.querySelector('#practice input[name="revealed"]');
    if (!field) return;
    const now = field.value.split(" ").filter(Boolean);
    for (const id of now) {
      const step = byId(id);
      const workedStep = page.querySelector(`article[data-step="${CSS.escape(id)}"]`);
      if (!step || !step.classList.contains("asked") || !workedStep || workedStep.classList.contains("asked")) continue;
      const node = document.importNode(workedStep, true);
      const current = step.getAttribute("aria-current");
      if (current) node.setAttribute("aria-current", current);
      step.replaceWith(node);
      addCopyButton(node);
    }
    form.querySelector('input[name="revealed"]').value = now.join(" ");
    // the server's line names the steps revealed beyond the one asked for (only when asked now)
    const note = worked.querySelector(".practice-revealed");
    if (note && save) note.textContent = page.querySelector(".practice-revealed")?.textContent || "";
    if (save) {
      saveProgress((p) => {
        p.revealed = [...new Set([...(p.revealed || []), ...now])];
        for (const id of now) delete p.right[id];
      });
    }
  }

  setUp();
})();
