// Item 1 of issue 11: every token-endpoint call ends — a body that trickles for ever is cut off
// by the transport's timeout, and a huge body is refused without being buffered.
import { buildAuthorizationUrl, buildClientCredentials, createClient, InvalidResponseError, mapillaryProfile, mapiqProfile, TransportError } from "@mly/auth-core";
import { createTokenRenewer, MemoryTokenStore, RefreshCoordinator } from "@mly/auth-core/orchestration";
import { afterEach, describe, expect, it } from "vitest";
import { hugeBodyServer, trickleServer, type TestServer } from "../test/servers.ts";
import { createKyTransport } from "./ky_transport.ts";
import { finishLogin } from "./login.ts";

const TIMEOUT = 500;
const client = createClient({ clientId: "1234", clientSecret: "MLY|1234|0123456789abcdef0123456789abcdef" });
let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail("expected a rejection"),
    (error: unknown) => error,
  );
}

function expectTimedOut(error: unknown): void {
  expect(error).toBeInstanceOf(TransportError);
  expect((error as Error).message).toContain(`timed out after ${TIMEOUT} ms`);
}

describe("a token endpoint that sends headers, then one byte every 200 ms for ever", () => {
  it("createTokenRenewer on createKyTransport({ timeoutMs }) ends with a TransportError, and the client hangs up", async () => {
    server = await trickleServer();
    const mapiq = mapiqProfile({ tokenEndpoint: `${server.url}/token` });
    const renew = createTokenRenewer({ profile: mapiq, client, transport: createKyTransport({ timeoutMs: TIMEOUT }) });
    const started = Date.now();
    expectTimedOut(await failure(renew(undefined, {})));
    console.info(`trickling body: TransportError after ${Date.now() - started} ms (timeout ${TIMEOUT} ms)`);
    await expect.poll(() => server?.abandoned).toBe(1);
  });

  it("createKyTransport().send() ends with a TransportError (default or per-call timeout)", async () => {
    server = await trickleServer();
    const call = buildClientCredentials(mapiqProfile({ tokenEndpoint: `${server.url}/token` }), client);
    expectTimedOut(await failure(createKyTransport({ timeoutMs: TIMEOUT }).send(call.request)));
    // A per-call timeout wins over the default.
    expectTimedOut(await failure(createKyTransport().send(call.request, { timeoutMs: TIMEOUT })));
  });

  it("createTokenRenewer({ timeoutMs }) passes its timeout to the transport", async () => {
    server = await trickleServer();
    const renew = createTokenRenewer({ profile: mapiqProfile({ tokenEndpoint: `${server.url}/token` }), client, transport: createKyTransport(), timeoutMs: TIMEOUT });
    expectTimedOut(await failure(renew(undefined, {})));
  });

  it("finishLogin ends with a TransportError", async () => {
    server = await trickleServer();
    const profile = mapillaryProfile({ authorizationEndpoint: `${server.url}/connect`, tokenEndpoint: `${server.url}/token` });
    const { pending } = await buildAuthorizationUrl(profile, client, { redirectUri: "http://127.0.0.1:8765/callback" });
    const callback = `http://127.0.0.1:8765/callback?code=the-code&state=${pending.state}`;
    expectTimedOut(await failure(finishLogin({ profile, client, transport: createKyTransport({ timeoutMs: TIMEOUT }) }, pending, callback)));
  });

  it("every waiter of one shared RefreshCoordinator refresh gets the TransportError", async () => {
    server = await trickleServer();
    const profile = mapiqProfile({ tokenEndpoint: `${server.url}/token` });
    const coordinator = new RefreshCoordinator({ store: new MemoryTokenStore(), renew: createTokenRenewer({ profile, client, transport: createKyTransport({ timeoutMs: TIMEOUT }) }) });
    const errors = await Promise.all(Array.from({ length: 20 }, () => failure(coordinator.getToken("mapiq:1234:default"))));
    for (const error of errors) expectTimedOut(error);
    expect(server.requests).toBe(1);
  });
});

describe("a token endpoint that sends a huge body", () => {
  it("is refused past 1 MiB with an InvalidResponseError, and the client stops reading", async () => {
    server = await hugeBodyServer(400, 400 * 1024 * 1024);
    const renew = createTokenRenewer({ profile: mapiqProfile({ tokenEndpoint: `${server.url}/token` }), client, transport: createKyTransport() });
    const error = await failure(renew(undefined, {}));
    expect(error).toBeInstanceOf(InvalidResponseError);
    expect((error as Error).message).toContain("larger than 1048576 bytes");
    await expect.poll(() => server?.abandoned).toBe(1);
    // Socket buffers hold a few MiB at most: far from the 400 MiB the server would have sent.
    expect(server.bytesSent).toBeLessThan(64 * 1024 * 1024);
    console.info(`huge body: the server wrote ${(server.bytesSent / 1024 / 1024).toFixed(1)} MiB of 400 MiB before the client hung up`);
  });

  it("the cap is configurable", async () => {
    server = await hugeBodyServer(200, 256 * 1024);
    const call = buildClientCredentials(mapiqProfile({ tokenEndpoint: `${server.url}/token` }), client);
    expect(await failure(createKyTransport({ maxBodyBytes: 64 * 1024 }).send(call.request))).toBeInstanceOf(InvalidResponseError);
    expect((await createKyTransport({ maxBodyBytes: 512 * 1024 }).send(call.request)).body).toHaveLength(256 * 1024);
  });
});
