import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, it } from "vitest";
import { FileTokenStore } from "../src/file_token_store.ts";
import { bundleChild } from "./_bundle.ts";
import { CALLERS, expectOneRefresh, PROCESSES } from "./_refresh_once.ts";

let script: string;
let directory: string;
beforeAll(async () => {
  script = await bundleChild(join(import.meta.dirname, "children", "refresher.ts"), join(import.meta.dirname, ".."));
  directory = await mkdtemp(join(tmpdir(), "mly-refresh-once-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

describe("one refresh across processes (FileTokenStore)", () => {
  it(`${PROCESSES} processes × ${CALLERS} concurrent callers on a token about to expire → exactly one refresh request`, async () => {
    await expectOneRefresh({
      store: new FileTokenStore({ directory }),
      script,
      childArgs: (key, endpointUrl, callers) => [directory, key, endpointUrl, String(callers)],
      label: "file store",
    });
  });
});
