// TypeDoc plugin: names each documented module by the import path a user writes
// (`@mly/auth-core/mapillary-v2`), read from the package.json `exports` map ("@mly/source"
// condition), instead of its file name (`mapillary_v2`, `mod`).
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Converter, ReflectionKind } from "typedoc";

/** The import path of a source file, or undefined when no export entry points at it. */
function importPath(fileName) {
  for (let dir = dirname(fileName); dir !== dirname(dir); dir = dirname(dir)) {
    const manifestPath = join(dir, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    for (const [key, value] of Object.entries(manifest.exports ?? {})) {
      const source = typeof value === "object" && value !== null ? value["@mly/source"] : undefined;
      if (source !== undefined && resolve(dir, source) === resolve(fileName)) return key === "." ? manifest.name : `${manifest.name}/${key.slice(2)}`;
    }
    return undefined;
  }
  return undefined;
}

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_CREATE_DECLARATION, (context, reflection) => {
    if (!reflection.kindOf(ReflectionKind.Module)) return;
    const file = context.getSymbolFromReflection(reflection)?.declarations?.[0]?.getSourceFile().fileName;
    const name = file === undefined ? undefined : importPath(file);
    if (name !== undefined) reflection.name = name;
    else if (file !== undefined) app.logger.verbose(`import-path-names: no export entry for ${relative(process.cwd(), file)}`);
  });
}
