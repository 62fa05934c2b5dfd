import type { Style } from "./style.ts";

/** A progress display on stderr. */
export interface Progress {
  /** Reports the current count (and pages fetched). */
  update(count: number, pages: number): void;
  /** Prints a note above the bar (refreshes, waits). */
  note(line: string): void;
  /** Clears the bar and prints the final line. */
  done(line: string): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Where to draw (stderr). */
  stream: { write(chunk: string): unknown; isTTY?: boolean; columns?: number };
  /** The total when known (`--limit`). */
  total: number | undefined;
  /** What is counted (`images`). */
  unit: string;
  /** Colours. */
  style: Style;
  /** Show the page count (default true). */
  pages?: boolean;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/**
 * A progress bar redrawn in place on a TTY (at most every 80 ms), or one plain line per page
 * otherwise (logs, CI, pipes).
 *
 * @example
 * ```ts
 * import { createProgress } from "./progress.ts";
 * import { createStyle } from "./style.ts";
 *
 * const progress = createProgress({ stream: process.stderr, total: 500, unit: "images", style: createStyle(false) });
 * progress.update(100, 1);
 * progress.done("500 images");
 * ```
 */
export function createProgress(options: ProgressOptions): Progress {
  const { stream, total, unit, style } = options;
  const now = options.now ?? Date.now;
  const tty = stream.isTTY === true;
  const started = now();
  let lastDraw = 0;
  let lastPages = 0;
  let lastLine = 0;
  let drawn = false;
  let current = { count: 0, pages: 0 };

  const line = (): string => {
    const seconds = Math.max(0.001, (now() - started) / 1000);
    const rate = seconds < 0.5 ? "" : ` · ${Math.round(current.count / seconds)}/s`;
    const pages = options.pages === false ? "" : ` · ${current.pages} page${current.pages === 1 ? "" : "s"}`;
    if (total === undefined) return `${style.cyan("⠿")} ${current.count} ${unit}${pages}${rate}`;
    const width = Math.max(10, Math.min(30, (stream.columns ?? 80) - 50));
    const filled = Math.min(width, Math.round((current.count / total) * width));
    const percent = Math.min(100, Math.floor((current.count / total) * 100));
    return `${style.green("█".repeat(filled))}${style.dim("░".repeat(width - filled))} ${String(percent).padStart(3)}% ${current.count}/${total} ${unit}${pages}${rate}`;
  };
  const clear = (): void => {
    if (tty && drawn) stream.write("\r\u001b[2K");
    drawn = false;
  };
  const draw = (): void => {
    clear();
    stream.write(line());
    drawn = true;
    lastDraw = now();
  };

  return {
    update(count: number, pages: number): void {
      current = { count, pages };
      if (tty) {
        if (now() - lastDraw >= 80) draw();
      } else if (pages !== lastPages && (now() - lastLine >= 1000 || count === total)) {
        // Plain lines for logs and pipes: at most one a second.
        lastPages = pages;
        lastLine = now();
        stream.write(`${line()}\n`);
      }
    },
    note(text: string): void {
      clear();
      stream.write(`${text}\n`);
      if (tty) draw();
    },
    done(text: string): void {
      clear();
      stream.write(`${text}\n`);
    },
  };
}
