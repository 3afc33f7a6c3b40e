// Compile Python sources to bytecode with CPython 3.14 itself (Pyodide: CPython built for WebAssembly, from the
// npm registry), for the Lambda runtime's Python. Bytecode is the same on every platform of one Python version.
// stdin: {"files": {"handler.py": "<source>", ...}, "version": "3.14"}
// stdout: {"cache_tag": "cpython-314", "pyc": {"__pycache__/handler.cpython-314.pyc": "<base64>", ...}}
import { loadPyodide } from "pyodide";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));

const pyodide = await loadPyodide({ stdout: () => {}, stderr: (line) => process.stderr.write(line + "\n") });
pyodide.globals.set("request_json", JSON.stringify(request));
let result;
try {
  result = pyodide.runPython(`
import base64, compileall, json, os, py_compile, sys
request = json.loads(request_json)
version = "%d.%d" % sys.version_info[:2]
if version != request["version"]:
    raise SystemExit(f"Pyodide runs Python {version}, not the runtime's {request['version']}")
root = "/asset"
for name, text in request["files"].items():
    path = os.path.join(root, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        file.write(text)
# Checked hash: the runtime compares the source's hash with the one in the .pyc and compiles the source instead
# when they differ, so a stale .pyc is never used (PEP 552); timestamps would not survive zipping anyway.
if not compileall.compile_dir(root, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH):
    raise SystemExit("compilation failed")
pyc = {}
for folder, _, names in os.walk(root):
    for name in names:
        if name.endswith(".pyc"):
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                pyc[os.path.relpath(path, root)] = base64.b64encode(file.read()).decode()
json.dumps({"cache_tag": sys.implementation.cache_tag, "pyc": pyc})
`);
} catch (error) {
  // A Python exception: its traceback, not Node's dump of the minified interpreter around it.
  process.stderr.write(String(error.message ?? error) + "\n");
  process.exit(1);
}
process.stdout.write(result);
