/**
 * oidc-provider prints notices that are noise for a test harness which makes those choices on
 * purpose (Node 20, an in-memory store). This drops only those lines, and only while `run` runs.
 */
const NOISE: readonly RegExp[] = [
  /^oidc-provider WARNING: Unsupported runtime\./,
  /^oidc-provider WARNING: a quick start development-only in-memory adapter is used/,
];

type Writer = (...data: unknown[]) => void;

function filtered(original: Writer): Writer {
  return (...data: unknown[]): void => {
    const first = data[0];
    const text = typeof first === "string" ? stripAnsi(first) : "";
    if (NOISE.some((pattern) => pattern.test(text))) return;
    original(...data);
  };
}

function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "");
}

/** Runs `run` with oidc-provider's known-noise notices filtered out of `console.warn`/`console.info`. */
export async function quietly<T>(run: () => Promise<T> | T): Promise<T> {
  const { warn, info } = console;
  console.warn = filtered(warn);
  console.info = filtered(info);
  try {
    return await run();
  } finally {
    console.warn = warn;
    console.info = info;
  }
}
