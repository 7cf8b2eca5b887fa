// Copies the front-end files pages need from node_modules/ into static/vendor/
// (git-ignored). Run by `make run` and `make test` after `npm ci`; Node.js 18+.
//
// uPlot ships its minified build as a classic script (`var uPlot = ...`); appending
// an export turns it into an ES module, so pages import it like our own modules
// and the strict CSP needs no exception.
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const modules = join(root, "node_modules");
const vendor = join(root, "static", "vendor");

async function esmFromIife(source, globalName, target) {
  const code = await readFile(join(modules, source), "utf8");
  await writeFile(join(vendor, target), `${code}\nexport default ${globalName};\n`);
}

await mkdir(vendor, { recursive: true });
await esmFromIife("uplot/dist/uPlot.iife.min.js", "uPlot", "uplot.min.js");
await copyFile(join(modules, "uplot/dist/uPlot.min.css"), join(vendor, "uplot.min.css"));
await copyFile(join(modules, "uplot/LICENSE"), join(vendor, "uplot.LICENSE"));
console.log("static/vendor/: uplot.min.js, uplot.min.css");
