// scale-query in the browser: the very same Python validator, formatter and
// completion as `scale-query check`, run by Pyodide inside the page.
//
//   import { ScaleQuery } from "./scale-query.js";
//   const sq = await ScaleQuery.load();
//   await sq.validate('Nom $eq');   // [{code: "SQ001", line: 1, column: 8, ..., hint: "..."}]
//
// Every file it needs sits in the assets folder (by default `dist/` beside
// this module), built by `python web/build.py`; nothing is fetched from any
// other origin. Positions in diagnostics are in characters (code points), as
// `check --format json` gives them; `complete()` takes and returns JavaScript
// string offsets (UTF-16 code units), as a <textarea> has them. See docs/web.md.

const DEFAULT_ASSETS = new URL("./dist/", import.meta.url);

/** The offset in code points of the UTF-16 `index` of `text`. */
export function codePointOffset(text, index) {
  let points = 0;
  for (let i = 0; i < index && i < text.length; i++, points++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < index) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return points;
}

/** The UTF-16 index of the code point `offset` of `text` (the inverse of codePointOffset). */
export function utf16Index(text, offset) {
  let i = 0;
  for (let points = 0; points < offset && i < text.length; points++) {
    const unit = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    i += unit >= 0xd800 && unit <= 0xdbff && next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
  }
  return i;
}

/** The UTF-16 index of a 1-based (line, column) position in code points, as diagnostics give. */
export function positionIndex(text, line, column) {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const newline = text.indexOf("\n", start);
    if (newline < 0) return text.length;
    start = newline + 1;
  }
  return start + utf16Index(text.slice(start), column - 1);
}

function schemaText(schema) {
  // undefined reaches Python as None (null would arrive as pyodide's jsnull).
  if (schema === undefined || schema === null) return undefined;
  return typeof schema === "string" ? schema : JSON.stringify(schema);
}

/** Where the page's Python finds scale-query: the wheel itself is on sys.path (zipimport). */
export const PYTHON_HOME = "/home/pyodide/scale-query";

/**
 * Write `files` (name to bytes) into PYTHON_HOME and put the folder and each
 * wheel on sys.path. The memory snapshot was made after the same call, so its
 * imported modules find their files at the same paths. Writing a wheel is
 * instant; unpacking it would take Python a quarter of a second.
 */
export function installFiles(py, files) {
  py.FS.mkdirTree(PYTHON_HOME);
  const paths = [PYTHON_HOME];
  for (const [name, bytes] of Object.entries(files)) {
    py.FS.writeFile(`${PYTHON_HOME}/${name}`, bytes);
    if (name.endsWith(".whl")) paths.push(`${PYTHON_HOME}/${name}`);
  }
  py.globals.set("_scale_query_paths", py.toPy(paths));
  py.runPython(`
import importlib, sys
for _path in reversed(_scale_query_paths):
    if _path not in sys.path:
        sys.path.insert(0, _path)
importlib.invalidate_caches()
del _scale_query_paths, _path
`);
}

const baseName = (file) => file.split("/").pop();

async function fetchBytes(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`scale-query: ${url} answered ${response.status}`);
  if (!url.endsWith(".gz")) return new Uint8Array(await response.arrayBuffer());
  // Inflated here, not by the server: any static file server will do.
  const inflated = response.body.pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(inflated).arrayBuffer());
}

/** scale-query's filter tools, loaded in the page. Get one with `ScaleQuery.load()`. */
export class ScaleQuery {
  #py;
  #web;
  #assets;
  #manifest;
  #sqlglot = null;
  #functions = new Map();

  constructor(py, web, assets, manifest) {
    this.#py = py;
    this.#web = web;
    this.#assets = assets;
    this.#manifest = manifest;
    /** What was loaded: versions, and whether the memory snapshot was used. */
    this.info = { pyodide: manifest.pyodide, snapshot: false, loadMs: 0 };
  }

  /**
   * Load Pyodide and scale-query from `assets` (a URL of the built folder;
   * default: `dist/` beside this module). `snapshot: false` starts Python
   * from scratch instead of from the memory snapshot (slower; for comparison).
   */
  static async load({ assets = DEFAULT_ASSETS, snapshot = true } = {}) {
    const started = performance.now();
    const base = new URL(assets, globalThis.location?.href);
    if (base.origin !== location.origin) {
      throw new Error(`scale-query: assets must be on this page's origin, not ${base.origin}`);
    }
    const manifest = await (await fetch(new URL("manifest.json", base))).json();
    const url = (entry) => new URL(entry.file, base).href;
    const wheel = fetchBytes(url(manifest.scale_query));
    const bridge = fetchBytes(url(manifest.bridge));
    const { loadPyodide } = await import(new URL("pyodide/pyodide.mjs", base).href);
    performance.mark("scale-query:runtime-imported");
    const options = { indexURL: new URL("pyodide/", base).href, stdout: () => {}, stderr: () => {} };
    let py = null;
    let usedSnapshot = false;
    if (snapshot && manifest.snapshot) {
      try {
        py = await loadPyodide({ ...options, _loadSnapshot: fetchBytes(url(manifest.snapshot)) });
        usedSnapshot = true;
      } catch (error) {
        // A snapshot that does not fit this runtime: start Python from scratch.
        console.warn("scale-query: snapshot not usable, starting Python from scratch", error);
      }
    }
    py ??= await loadPyodide(options);
    performance.mark("scale-query:python-started");
    installFiles(py, {
      [baseName(manifest.scale_query.file)]: await wheel,
      "scale_query_web.py": await bridge,
    });
    const web = py.pyimport("scale_query_web");
    // Everything loaded so far lives as long as the page: out of the cyclic
    // garbage collector's sight, whose full passes over it cost a frame.
    py.runPython("import gc; gc.freeze()");
    const loaded = new ScaleQuery(py, web, base, manifest);
    loaded.info.snapshot = usedSnapshot;
    loaded.info.loadMs = performance.now() - started;
    // From the build's manifest: importlib.metadata would take a second here.
    loaded.info.scaleQuery = manifest.scale_query.version;
    return loaded;
  }

  #call(name, ...args) {
    // One proxy per Python function, kept: a new one per call would pile up.
    let fn = this.#functions.get(name);
    if (fn === undefined) {
      fn = this.#web[name];
      this.#functions.set(name, fn);
    }
    return JSON.parse(fn(...args));
  }

  /**
   * Every diagnostic of `text`, exactly as `scale-query check --format json`
   * gives them (without `path`): code, severity, line, column, end_line,
   * end_column (1-based, in characters), message, hint, replacement.
   * `schema` is an object's `get_object_info` response (an object or its JSON);
   * `objectName` names that object in messages, as `check --schema contact.json` does.
   * `rules` chooses the rules as `check` does, `{select, extend_select, ignore}`
   * (lists of code prefixes or "ALL"); by default, `check`'s default selection.
   * Placeholders (`:name`) are no error, as in `check` without `--params`.
   */
  async validate(text, schema, objectName, rules) {
    return this.#call(
      "validate",
      String(text),
      schemaText(schema),
      objectName ?? undefined,
      rules ? JSON.stringify(rules) : undefined,
    );
  }

  /**
   * For each of `diagnostics` (rows of `validate(text)`), the faulty line of
   * `text` and the caret under the fault, as `scale-query check` draws them.
   */
  async carets(text, diagnostics) {
    return this.#call("carets", String(text), JSON.stringify(diagnostics));
  }

  /** `{text}`: the canonical form, or `{error}`: the syntax error as a diagnostic. */
  async format(text) {
    return this.#call("format", String(text));
  }

  /**
   * Completions at the UTF-16 `offset` of `text`: `{from, to, items}`, each item
   * `{label, insert, kind, detail}`; `insert` replaces `text.slice(from, to)`.
   * Field names come from `schema`, operators after a field, $and/$or after a condition.
   */
  async complete(text, offset, schema) {
    text = String(text);
    const result = this.#call("complete", text, codePointOffset(text, offset), schemaText(schema));
    result.from = utf16Index(text, result.from);
    result.to = utf16Index(text, result.to);
    return result;
  }

  /** `{code}`: Python code building the filter with `Q(...)`, or `{error}`. */
  async pythonCode(text) {
    return this.#call("builder_code", String(text));
  }

  /**
   * `{url}`: the `get_objects` URL scale-query's Python client sends for this
   * object and filter (`options`: page, pagesize, fields, sort_by), or `{error}`.
   */
  async requestURL(objectName, text, options = {}, baseURL, instance = "demo") {
    return this.#call(
      "request_url", String(objectName), String(text), JSON.stringify(options),
      String(baseURL), String(instance),
    );
  }

  async #loadSqlglot() {
    if (!this.#manifest.sqlglot) return false;
    const file = this.#manifest.sqlglot.file;
    this.#sqlglot ??= fetchBytes(new URL(file, this.#assets).href).then((bytes) => {
      installFiles(this.#py, { [baseName(file)]: bytes });
      this.#py.runPython("import sqlglot");
      return true;
    });
    return this.#sqlglot;
  }

  /** The SQL dialects `sql()` knows (loads sqlglot on first use); empty without sqlglot. */
  async dialects() {
    await this.#loadSqlglot();
    return this.#call("dialects");
  }

  /** `{sql}`: the filter as SQL for a sqlglot `dialect` (`scale_query.to_sql`), or `{error}`. */
  async sql(text, dialect, schema) {
    // Without sqlglot in the assets, Python's to_sql says what is missing.
    await this.#loadSqlglot();
    return this.#call("sql", String(text), String(dialect), schemaText(schema));
  }

  /** Records (`{id, data}` as `get_objects` returns them) as CSV text: `id`, then `columns`. */
  async csv(records, columns) {
    return this.#call("records_csv", JSON.stringify(records), JSON.stringify(columns));
  }
}

export default ScaleQuery;
