// The playground page served by the emulator at /playground (docs/web.md).
// Everything it shows about a filter comes from scale-query's Python code
// running in the page (scale-query.js); records come from the emulator's API
// on this same origin.
import { ScaleQuery, positionIndex } from "./scale-query.js";

const $ = (id) => document.getElementById(id);
const ui = {
  status: $("status"), object: $("object"), token: $("token"), filter: $("filter"),
  backdrop: $("backdrop"), completions: $("completions"), diagnostics: $("diagnostics"),
  canonical: $("canonical"), url: $("url"), python: $("python"), dialect: $("dialect"),
  sql: $("sql"), run: $("run"), pagesize: $("pagesize"), prev: $("prev"), next: $("next"),
  pageInfo: $("page-info"), exportButton: $("export"), table: $("records"),
  caption: $("records-caption"),
};
// The most records an export reads (page after page of the largest page size).
const MAX_EXPORT = 100000;
const EXPORT_PAGE = 1000;

const state = {
  sq: null, config: null, schema: undefined, schemas: new Map(), page: 1,
  completion: null, active: -1, timer: 0, lastRun: null,
};

function setStatus(text) {
  ui.status.textContent = text;
}

function api(path) {
  return `${state.config.api}/${encodeURIComponent(state.config.instance)}/${path}`;
}

async function apiGet(url) {
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${ui.token.value}`, Accept: "application/json" },
    credentials: "same-origin",
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${response.status}: ${body.message ?? response.statusText}`);
  return body;
}

// ---- objects and schemas -----------------------------------------------------

async function fetchObjects() {
  const objects = await apiGet(api("get_object_list"));
  const [first] = Object.keys(objects);
  if (first !== undefined && !state.schemas.has(first)) {
    state.schemas.set(first, await apiGet(api(`get_object_info/${encodeURIComponent(first)}`)));
  }
  return objects;
}

async function loadObjects(prefetched) {
  const objects = (await prefetched) ?? (await fetchObjects());
  ui.object.replaceChildren(...Object.keys(objects).map((name) => new Option(name, name)));
  ui.object.disabled = false;
  await selectObject();
}

async function selectObject() {
  const name = ui.object.value;
  if (!state.schemas.has(name)) {
    state.schemas.set(name, await apiGet(api(`get_object_info/${encodeURIComponent(name)}`)));
  }
  state.schema = state.schemas.get(name);
  state.page = 1;
  await update();
}

// ---- diagnostics, underline, the other forms ----------------------------------

function escapeHTML(text) {
  return text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
}

function underline(text, diagnostics) {
  // The backdrop repeats the text, with each diagnostic's span marked.
  const spans = diagnostics.map((d) => {
    const start = positionIndex(text, d.line, d.column);
    const end = Math.max(positionIndex(text, d.end_line, d.end_column), start + 1);
    return { start, end, severity: d.severity };
  }).sort((a, b) => a.start - b.start);
  let html = "";
  let at = 0;
  for (const span of spans) {
    if (span.start < at) continue;
    html += escapeHTML(text.slice(at, span.start));
    const marked = text.slice(span.start, span.end) || " ";
    html += `<mark class="${span.severity}">${escapeHTML(marked)}</mark>`;
    at = Math.min(text.length, span.end);
  }
  ui.backdrop.innerHTML = html + escapeHTML(text.slice(at)) + "\n";
}

function showDiagnostics(text, diagnostics, carets) {
  // An empty editor is not a mistake yet: "empty filter" waits until Run.
  if (!text.trim()) diagnostics = [];
  underline(text, diagnostics);
  ui.filter.setAttribute("aria-invalid", String(diagnostics.some((d) => d.severity === "error")));
  if (!diagnostics.length) {
    ui.diagnostics.innerHTML = text.trim() ? '<p class="ok">No problem found.</p>' : "";
    return;
  }
  const items = diagnostics.map((d, i) => {
    const hint = d.hint ? `<p class="hint">hint: ${escapeHTML(d.hint)}</p>` : "";
    return `<li class="${d.severity}"><p><span class="where">${d.line}:${d.column}</span>
      <code>${d.code}</code> <span class="severity">${d.severity}</span>
      <span class="message">${escapeHTML(d.message)}</span></p>
      <pre class="caret">${escapeHTML(carets[i])}</pre>${hint}</li>`;
  });
  ui.diagnostics.innerHTML = `<ul>${items.join("")}</ul>`;
}

async function validateNow() {
  const started = performance.now();
  const text = ui.filter.value;
  let diagnostics, carets;
  try {
    diagnostics = await state.sq.validate(text, state.schema, ui.object.value || undefined);
    // Drawn by check's own caret renderer, in Python.
    carets = await state.sq.carets(text, diagnostics);
  } catch (error) {
    // A failure of scale-query itself: say so, never show stale diagnostics.
    const last = String(error.message ?? error).trim().split("\n").pop();
    ui.diagnostics.innerHTML = `<p class="failure">scale-query failed on this filter: ${escapeHTML(last)}</p>`;
    ui.backdrop.textContent = `${text}\n`;
    return [];
  }
  showDiagnostics(text, diagnostics, carets);
  // Timings for benchmarks/web.py: each validation shown, and the first one.
  performance.measure("scale-query:validate", { start: started });
  if (!performance.getEntriesByName("scale-query:first-validation").length) {
    performance.mark("scale-query:first-validation");
  }
  return diagnostics;
}

async function showForms() {
  const text = ui.filter.value;
  const formatted = await state.sq.format(text);
  ui.canonical.textContent = formatted.text ?? "—";
  const python = await state.sq.pythonCode(text);
  ui.python.textContent = python.code ?? "—";
  const url = await requestURL(state.page);
  ui.url.textContent = url.url ?? url.error;
  if (ui.dialect.value) {
    const sql = await state.sq.sql(text, ui.dialect.value, state.schema);
    ui.sql.textContent = sql.sql ?? (sql.error?.message ?? sql.error);
  }
}

function requestURL(page, pagesize = Number(ui.pagesize.value)) {
  const base = new URL(state.config.api, location.href).href;
  return state.sq.requestURL(ui.object.value, ui.filter.value, { page, pagesize }, base,
    state.config.instance);
}

async function update() {
  await validateNow();
  // The other forms cost more than a keystroke should: shown once typing pauses.
  clearTimeout(state.timer);
  state.timer = setTimeout(showForms, 120);
}

// ---- completion ----------------------------------------------------------------

function closeCompletions() {
  state.completion = null;
  state.active = -1;
  ui.completions.hidden = true;
  ui.completions.replaceChildren();
  ui.filter.removeAttribute("aria-activedescendant");
}

function highlight(index) {
  const options = ui.completions.children;
  if (!options.length) return;
  state.active = (index + options.length) % options.length;
  for (const [i, option] of Array.from(options).entries()) {
    option.setAttribute("aria-selected", String(i === state.active));
  }
  const active = options[state.active];
  ui.filter.setAttribute("aria-activedescendant", active.id);
  active.scrollIntoView({ block: "nearest" });
}

async function openCompletions() {
  const text = ui.filter.value;
  const result = await state.sq.complete(text, ui.filter.selectionStart, state.schema);
  if (!result.items.length) return closeCompletions();
  state.completion = result;
  ui.completions.replaceChildren(...result.items.map((item, i) => {
    const option = document.createElement("li");
    option.id = `completion-${i}`;
    option.setAttribute("role", "option");
    option.innerHTML = `<span class="label">${escapeHTML(item.label)}</span>
      <span class="detail">${escapeHTML(item.detail ?? "")}</span>`;
    option.addEventListener("mousedown", (event) => {
      event.preventDefault();
      accept(i);
    });
    return option;
  }));
  ui.completions.hidden = false;
  highlight(0);
}

function accept(index) {
  const { from, to, items } = state.completion;
  const text = ui.filter.value;
  const insert = items[index].insert;
  ui.filter.value = text.slice(0, from) + insert + text.slice(to);
  ui.filter.selectionStart = ui.filter.selectionEnd = from + insert.length;
  closeCompletions();
  update();
}

function onKeyDown(event) {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    closeCompletions();
    run(1);
    return;
  }
  if (event.key === " " && event.ctrlKey) {
    event.preventDefault();
    openCompletions();
    return;
  }
  if (!state.completion) return;
  const moves = { ArrowDown: 1, ArrowUp: -1 };
  if (event.key in moves) {
    event.preventDefault();
    highlight(state.active + moves[event.key]);
  } else if (event.key === "Enter" || event.key === "Tab") {
    event.preventDefault();
    accept(state.active);
  } else if (event.key === "Escape") {
    event.preventDefault();
    closeCompletions();
  }
}

async function onInput(event) {
  await update();
  // Typing a name, an operator or a bracket opens the list; anything else closes it.
  const typed = event.data ?? "";
  if (/^[\p{L}\p{N}_$[.]$/u.test(typed.slice(-1))) await openCompletions();
  else closeCompletions();
}

// ---- records -----------------------------------------------------------------

function columnsOf(records) {
  const names = Object.keys(state.schema ?? {}).filter((n) => state.schema[n].read !== "N");
  for (const record of records) {
    for (const name of Object.keys(record.data ?? {})) if (!names.includes(name)) names.push(name);
  }
  return names;
}

function showRecords(records, page, size) {
  const columns = columnsOf(records);
  const head = ui.table.tHead;
  head.replaceChildren();
  const headRow = head.insertRow();
  for (const name of ["id", ...columns]) {
    const th = document.createElement("th");
    th.scope = "col";
    th.textContent = name;
    headRow.append(th);
  }
  const body = ui.table.tBodies[0];
  body.replaceChildren();
  for (const record of records) {
    const row = body.insertRow();
    row.insertCell().textContent = record.id;
    for (const name of columns) row.insertCell().textContent = record.data?.[name] ?? "";
  }
  const first = (page - 1) * size + 1;
  ui.caption.textContent = records.length
    ? `${ui.object.value}: records ${first} to ${first + records.length - 1}`
    : `${ui.object.value}: no record on page ${page}`;
  ui.pageInfo.textContent = `Page ${page}`;
  ui.prev.disabled = page <= 1;
  ui.next.disabled = records.length < size;
}

async function run(page) {
  const size = Number(ui.pagesize.value);
  const url = await requestURL(page, size);
  if (url.error) return setStatus(`Cannot run: ${url.error}`);
  const diagnostics = await validateNow();
  if (diagnostics.some((d) => d.code === "SQ001")) return setStatus("Fix the filter to run it.");
  setStatus("Running…");
  try {
    const { objects } = await apiGet(url.url);
    state.page = page;
    state.lastRun = { object: ui.object.value, filter: ui.filter.value };
    showRecords(objects, page, size);
    ui.exportButton.disabled = false;
    // How many runs have finished: scripts driving the page wait on it.
    document.body.dataset.runs = String(Number(document.body.dataset.runs ?? 0) + 1);
    ui.url.textContent = url.url;
    setStatus(`${objects.length} record${objects.length === 1 ? "" : "s"} on page ${page}.`);
  } catch (error) {
    setStatus(`The API refused the query: ${error.message}`);
  }
}

async function exportCSV() {
  const { object, filter } = state.lastRun;
  const records = [];
  setStatus("Exporting…");
  try {
    for (let page = 1; records.length < MAX_EXPORT; page++) {
      const url = await state.sq.requestURL(object, filter, { page, pagesize: EXPORT_PAGE },
        new URL(state.config.api, location.href).href, state.config.instance);
      const { objects } = await apiGet(url.url);
      records.push(...objects);
      if (objects.length < EXPORT_PAGE) break;
    }
  } catch (error) {
    return setStatus(`Export failed: ${error.message}`);
  }
  const csv = await state.sq.csv(records.slice(0, MAX_EXPORT), columnsOf(records));
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([csv], { type: "text/csv;charset=utf-8" }));
  link.download = `${object}.csv`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
  setStatus(`Exported ${records.length} record${records.length === 1 ? "" : "s"} to ${object}.csv.`);
}

// ---- start -------------------------------------------------------------------

async function loadDialects() {
  const dialects = await state.sq.dialects();
  ui.dialect.replaceChildren(new Option("(none)", ""), ...dialects.map((d) => new Option(d, d)));
  ui.dialect.disabled = !dialects.length;
}

async function start() {
  // Python starts at once; the settings, the object list and the first schema
  // arrive meanwhile. ?snapshot=0 starts it from scratch (benchmarks/web.py).
  const snapshot = new URLSearchParams(location.search).get("snapshot") !== "0";
  const loading = ScaleQuery.load({ snapshot });
  state.config = await (await fetch("config.json")).json();
  ui.token.value = state.config.token ?? "";
  const prefetched = ui.token.value ? fetchObjects().catch(() => null) : null;
  try {
    state.sq = await loading;
  } catch (error) {
    setStatus(`Could not load scale-query in this page: ${error.message}`);
    throw error;
  }
  window.scaleQuery = state.sq;
  performance.mark("scale-query:ready");
  ui.filter.disabled = false;
  ui.run.disabled = false;
  const seconds = (state.sq.info.loadMs / 1000).toFixed(1);
  setStatus(`scale-query ${state.sq.info.scaleQuery} ready in ${seconds} s.`);
  document.body.dataset.ready = "true";
  ui.filter.addEventListener("input", onInput);
  ui.filter.addEventListener("keydown", onKeyDown);
  ui.filter.addEventListener("blur", closeCompletions);
  ui.filter.addEventListener("scroll", () => { ui.backdrop.scrollTop = ui.filter.scrollTop; });
  ui.object.addEventListener("change", selectObject);
  ui.dialect.addEventListener("focus", () => ui.dialect.options.length < 2 && loadDialects(),
    { once: true });
  ui.dialect.addEventListener("change", showForms);
  ui.run.addEventListener("click", () => run(1));
  ui.prev.addEventListener("click", () => run(state.page - 1));
  ui.next.addEventListener("click", () => run(state.page + 1));
  ui.exportButton.addEventListener("click", exportCSV);
  ui.dialect.disabled = false;
  if (ui.token.value) {
    await loadObjects(prefetched).catch((error) => setStatus(`Cannot list objects: ${error.message}`));
  } else {
    setStatus("Paste the API token the emulator printed, then press Enter.");
  }
  ui.token.addEventListener("change", () => loadObjects(null).catch(
    (error) => setStatus(`Cannot list objects: ${error.message}`)));
}

start();
