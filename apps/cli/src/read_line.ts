import { AbortedError } from "@mly/auth-core";
import { CliError } from "./cli_error.ts";
import { EXIT } from "./exit_codes.ts";

/** Options of {@link readLine}. */
export interface ReadLineOptions {
  /** What is being read, for the error messages ("the token", "the redirected URL"). */
  what: string;
  /** The longest line accepted, in bytes (default 16 KiB). */
  maxBytes?: number;
  /** Cancels the read (Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * Reads one line from a stream (stdin): up to the first line break, or everything until the end
 * of the input when there is none; surrounding whitespace is trimmed. The value never appears in
 * an error. Stops reading afterwards, so the process can exit.
 *
 * @throws {CliError} exit code 1 when the input is empty or longer than `maxBytes`.
 * @throws {AbortedError} the signal fired first.
 *
 * @example
 * ```ts
 * import { readLine } from "./read_line.ts";
 *
 * const token = await readLine(process.stdin, { what: "the token" });
 * ```
 */
export function readLine(input: NodeJS.ReadableStream, options: ReadLineOptions): Promise<string> {
  const maxBytes = options.maxBytes ?? 16 * 1024;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (outcome: { line: string } | { error: Error }): void => {
      input.off("data", onData);
      input.off("end", onEnd);
      input.off("error", onError);
      options.signal?.removeEventListener("abort", onAbort);
      input.pause();
      if ("error" in outcome) {
        reject(outcome.error);
        return;
      }
      const line = outcome.line.trim();
      if (line === "") reject(new CliError(`No input: ${options.what} is read from stdin (paste it and press Enter, or pipe it in).`, EXIT.usage));
      else resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const newline = bytes.indexOf(0x0a);
      const part = newline === -1 ? bytes : bytes.subarray(0, newline);
      size += part.length;
      if (size > maxBytes) {
        finish({ error: new CliError(`${capitalized(options.what)} is longer than ${maxBytes} bytes: that is not it. Check what you pasted.`, EXIT.usage) });
        return;
      }
      chunks.push(part);
      if (newline !== -1) finish({ line: Buffer.concat(chunks).toString("utf8") });
    };
    const onEnd = (): void => {
      finish({ line: Buffer.concat(chunks).toString("utf8") });
    };
    const onError = (error: Error): void => {
      finish({ error });
    };
    const onAbort = (): void => {
      finish({ error: new AbortedError("Interrupted.") });
    };
    if (options.signal?.aborted === true) {
      reject(new AbortedError("Interrupted."));
      return;
    }
    options.signal?.addEventListener("abort", onAbort, { once: true });
    input.on("data", onData);
    input.once("end", onEnd);
    input.once("error", onError);
    input.resume();
  });
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
