// Copies the front-end library files the pages need from node_modules/ into the
// git-ignored static/vendor/. The list lives in package.json under "vendor":
// { "<file under node_modules>": "<path under static/vendor>" }, so adding a library
// means adding its lines there (and merging branches means merging the lists).
import { copyFileSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const target = join(root, "static", "vendor");

rmSync(target, { recursive: true, force: true });
for (const [from, to] of Object.entries(pkg.vendor ?? {})) {
  const dest = join(target, to);
  if (!dest.startsWith(target + "/")) throw new Error(`vendor path escapes static/vendor: ${to}`);
  mkdirSync(dirname(dest), { recursive: true });
  copyFileSync(join(root, "node_modules", from), dest);
  console.log(`static/vendor/${to}`);
}
