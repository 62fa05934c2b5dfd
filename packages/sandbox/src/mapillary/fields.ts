/** The selected fields, or the first unknown one. */
export type FieldSelection = { ok: true; fields: string[] } | { ok: false; unknown: string };

/** Parses `?fields=a,b,c` against `known`. `id` is always included, as on Graph. */
export function selectFields(param: string | null, known: readonly string[]): FieldSelection {
  const fields = ["id"];
  for (const raw of (param ?? "").split(",")) {
    const field = raw.trim();
    if (field === "" || fields.includes(field)) continue;
    if (!known.includes(field)) return { ok: false, unknown: field };
    fields.push(field);
  }
  return { ok: true, fields };
}

/** `entity` reduced to `fields`. */
export function pick(entity: object, fields: readonly string[]): Record<string, unknown> {
  const source = entity as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]]));
}
