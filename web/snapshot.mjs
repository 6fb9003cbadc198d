// Make the memory snapshot that web/scale-query.js starts from (run by web/build.py).
//
//   node web/snapshot.mjs DIST
//
// Starts Pyodide from DIST/pyodide/ in Node, installs the scale-query wheel and
// the bridge module, runs each bridge function once (so that the modules they
// import on first use are loaded too), then saves Pyodide's memory to
// DIST/scale-query.snapshot. A page that loads the snapshot skips the Python
// start-up and these imports: about a second instead of four (docs/web.md).
import { readFileSync, writeFileSync, renameSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

import { installFiles } from "./scale-query.js";

const dist = resolve(process.argv[2] ?? "web/dist");
const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8"));
const { loadPyodide } = await import(pathToFileURL(join(dist, "pyodide", "pyodide.mjs")).href);

const py = await loadPyodide({
  indexURL: join(dist, "pyodide") + "/",
  _makeSnapshot: true,
  stderr: (line) => console.error(line),
});
// The very call the page makes after starting from the snapshot.
installFiles(py, {
  [basename(manifest.scale_query.file)]: new Uint8Array(readFileSync(join(dist, manifest.scale_query.file))),
  "scale_query_web.py": new Uint8Array(readFileSync(join(dist, manifest.bridge.file))),
});
py.runPython(`
import json
import sys
import scale_query_web as web

schema = json.dumps({"Nom": {"attribs": {"type": "text", "length": "5"}},
                     "Quand": {"attribs": {"type": "date", "is_personal_data": "Y"}}})
calls = []
for text in ['Nom $eq', 'Nom $ge "x"', 'Nom $eq "a*" $and Quan $gt "2020-02-30"',
             'Quand $regex "(" $or Nom $in [a,a] $or Nom $like "abcdefg"', '((a $eq 1)']:
    calls += [(web.validate, text, schema), (web.validate, text), (web.format, text),
              (web.builder_code, text)]
calls += [(web.complete, "Nom $l", 6, schema), (web.complete, "[No", 3, schema),
          (web.request_url, "contact", "Nom $eq 1", '{"page": 1, "pagesize": 10}',
           "http://127.0.0.1:1/v1/datamart", "demo"),
          (web.records_csv, '[{"id": "1", "data": {"Nom": "a"}}]', '["Nom"]')]
for function, *args in calls:
    # A call that fails here fails in the page too, where the tests see it;
    # the snapshot only loses the modules that call would have imported.
    try:
        function(*args)
    except Exception as error:
        print(f"warning: {function.__name__}{tuple(args)[:1]} failed: {error!r}", file=sys.stderr)
del json, sys, web, schema, calls, function, args
`);
const snapshot = py.makeMemorySnapshot();
const out = join(dist, "scale-query.snapshot");
writeFileSync(out + ".part", snapshot);
renameSync(out + ".part", out);
console.log(`${out}: ${snapshot.length} bytes`);
