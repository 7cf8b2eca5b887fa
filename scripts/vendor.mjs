// Copies the front-end library files the pages need from node_modules/ into the
// git-ignored static/vendor/. The list lives in package.json under "vendor":
// { "<file under node_modules>": "<path under static/vendor>" }, so adding a library
// means adding its lines there (and merging branches means merging the lists).
//
// A target may also be {"to": "<path>", "esm_export": "<global>"}: for a library that
// ships its minified build only as a classic script (uPlot's `var uPlot = ...`), an
// `export default <global>;` is appended so pages load it as an ES module, like our
// own, and the strict CSP needs no exception.
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = join(root, "static", "vendor");

rmSync(target, { recursive: true, force: true });
for (const [from, spec] of Object.entries(pkg.vendor ?? {})) {
  const { to, esm_export: esmExport } = typeof spec === "string" ? { to: spec } : spec;
  const dest = join(target, to);
  if (!dest.startsWith(target + "/")) throw new Error(`vendor path escapes static/vendor: ${to}`);
  if (esmExport !== undefined && !/^[A-Za-z_$][\w$]*$/.test(esmExport)) {
    throw new Error(`esm_export is not an identifier: ${esmExport}`);
  }
  mkdirSync(dirname(dest), { recursive: true });
  const source = join(root, "node_modules", from);
  if (esmExport === undefined) {
    copyFileSync(source, dest);
  } else {
    writeFileSync(dest, `${readFileSync(source, "utf8")}\nexport default ${esmExport};\n`);
  }
  console.log(`static/vendor/${to}`);
}
