import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { get, v4Code, v4Token } from "../_test_helpers.ts";
import { startSandbox, type Sandbox } from "../sandbox.ts";

let sb: Sandbox;
beforeAll(async () => {
  sb = await startSandbox();
});
afterAll(() => sb.close());

/** Width, height and the inflated scanlines of a truecolor PNG. */
function readPng(bytes: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  expect([...bytes.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 8;
  let width = 0;
  let height = 0;
  const data: Uint8Array[] = [];
  while (offset < bytes.length) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(bytes.subarray(offset + 4, offset + 8));
    const body = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = view.getUint32(offset + 8);
      height = view.getUint32(offset + 12);
      expect([...body.subarray(8)]).toEqual([8, 2, 0, 0, 0]);
    }
    if (type === "IDAT") data.push(body);
    offset += 12 + length;
  }
  return { width, height, pixels: inflateSync(Buffer.concat(data)) };
}

describe("image thumbnails", () => {
  it("thumb_256_url of an image entity serves a 256×192 PNG, no token needed", async () => {
    const { access_token: token } = await v4Token(sb, await v4Code(sb));
    const image = sb.dataset.images[3]!;
    const entity = (await (
      await get(`${sb.endpoints.mapillary.apiBaseUrl}/${image.id}?fields=id,thumb_256_url,thumb_1024_url`, { authorization: `OAuth ${token}` })
    ).json()) as Record<string, string>;
    expect(entity["thumb_256_url"]).toBe(`${sb.url}/mapillary/thumbs/${image.id}?size=256`);
    expect(entity["thumb_1024_url"]).toBe(`${sb.url}/mapillary/thumbs/${image.id}?size=1024`);
    const response = await get(entity["thumb_256_url"]!);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    const png = readPng(new Uint8Array(await response.arrayBuffer()));
    expect([png.width, png.height]).toEqual([256, 192]);
    expect(png.pixels.length).toBe(192 * (1 + 256 * 3));
  });

  it("differs between images, and is the same every time for one image", async () => {
    const [a, b] = sb.dataset.images;
    const bytes = async (id: string): Promise<string> => Buffer.from(await (await get(`${sb.url}/mapillary/thumbs/${id}?size=256`)).arrayBuffer()).toString("base64");
    expect(await bytes(a!.id)).toBe(await bytes(a!.id));
    expect(await bytes(a!.id)).not.toBe(await bytes(b!.id));
  });

  it("/images lists thumb_256_url when asked; an unknown image or size is refused", async () => {
    const { access_token: token } = await v4Token(sb, await v4Code(sb));
    const page = (await (
      await get(`${sb.endpoints.mapillary.apiBaseUrl}/images?bbox=-89.45,43.03,-89.35,43.11&fields=id,thumb_256_url&limit=2`, { authorization: `OAuth ${token}` })
    ).json()) as { data: Record<string, string>[] };
    expect(page.data.map((image) => image["thumb_256_url"])).toEqual(page.data.map((image) => `${sb.url}/mapillary/thumbs/${image["id"]}?size=256`));
    expect((await get(`${sb.url}/mapillary/thumbs/1?size=256`)).status).toBe(404);
    expect((await get(`${sb.url}/mapillary/thumbs/${sb.dataset.images[0]!.id}?size=99`)).status).toBe(400);
  });
});
