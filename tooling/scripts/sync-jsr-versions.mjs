// After `changeset version`: copy each package.json version into its jsr.json, and point
// `jsr:@mly/*` imports at the new versions, so `pnpm jsr:check` stays green after a release.
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const root = new URL("../..", import.meta.url).pathname;
const dirs = readdirSync(join(root, "packages")).map((d) => join(root, "packages", d)).filter((d) => existsSync(join(d, "jsr.json")));
const versions = new Map(dirs.map((d) => {
  const pkg = JSON.parse(readFileSync(join(d, "package.json"), "utf8"));
  return [pkg.name, pkg.version];
}));
for (const dir of dirs) {
  const file = join(dir, "jsr.json");
  const jsr = JSON.parse(readFileSync(file, "utf8"));
  jsr.version = versions.get(jsr.name) ?? jsr.version;
  for (const [name, spec] of Object.entries(jsr.imports ?? {})) {
    if (spec.startsWith(`jsr:${name}@`) && versions.has(name)) jsr.imports[name] = `jsr:${name}@^${versions.get(name)}`;
  }
  writeFileSync(file, `${JSON.stringify(jsr, null, 2)}\n`);
  console.log(`${jsr.name}: jsr.json ${jsr.version}`);
}
