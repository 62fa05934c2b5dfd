/**
 * A minimal but valid Mapbox Vector Tile (protobuf): one empty layer named `layer`
 * (version 2, extent 4096), so tile consumers get real bytes to decode.
 */
export function emptyVectorTile(layer: string): Uint8Array {
  const name = new TextEncoder().encode(layer);
  const layerMsg = [
    0x0a, ..._varint(name.length), ...name, // 1: name
    0x28, ..._varint(4096), // 5: extent
    0x78, 0x02, // 15: version = 2
  ];
  return Uint8Array.from([0x1a, ..._varint(layerMsg.length), ...layerMsg]); // 3: layers
}

function _varint(n: number): number[] {
  const out: number[] = [];
  let v = n;
  while (v > 0x7f) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
  return out;
}
