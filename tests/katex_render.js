// Renders LaTeX strings with the vendored KaTeX in strict mode, for tests/test_katex.py.
// stdin: a JSON array of strings. stdout: a JSON array of {index, error}, one per string that
// KaTeX rejects (empty when all render). One process renders the whole batch.
"use strict";
const path = require("path");
const katex = require(path.join(__dirname, "vendor", "katex", "katex.min.js"));

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const failures = [];
  JSON.parse(input).forEach((tex, index) => {
    try {
      katex.renderToString(tex, { displayMode: true, strict: "error", throwOnError: true });
    } catch (e) {
      failures.push({ index, error: String(e.message || e) });
    }
  });
  process.stdout.write(JSON.stringify({ katex: katex.version, rendered: JSON.parse(input).length, failures }));
});
