/**
 * Installs Node's `util.inspect` and Deno's `Deno.inspect` hooks on a prototype, so instances
 * print as `render` returns (used to redact secrets). Symbols are defined at run time because
 * computed members cannot appear in isolated declarations.
 */
export function defineInspect<T extends object>(prototype: T, render: (this: T) => string): void {
  for (const key of [Symbol.for("nodejs.util.inspect.custom"), Symbol.for("Deno.customInspect")]) {
    Object.defineProperty(prototype, key, { value: render, enumerable: false, configurable: true, writable: true });
  }
}
