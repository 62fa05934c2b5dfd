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

/**
 * A Mapbox Vector Tile with one layer `mpy-or` (version 2, extent 4096) holding one polygon
 * feature: the rectangle `[x0, y0, x1, y1]` in tile coordinates. This is how Mapillary v4 sends a
 * detection's `geometry` (base64 of these bytes), in image coordinates scaled to 0–4096.
 */
export function detectionPolygonTile([x0, y0, x1, y1]: readonly [number, number, number, number]): Uint8Array {
  // MoveTo(1) x0,y0; LineTo(3) → (x1,y0), (x1,y1), (x0,y1); ClosePath(1). Deltas zigzag-encoded.
  const commands = [
    _command(1, 1), _zigzag(x0), _zigzag(y0),
    _command(2, 3), _zigzag(x1 - x0), 0, 0, _zigzag(y1 - y0), _zigzag(x0 - x1), 0,
    _command(7, 1),
  ];
  const geometry = commands.flatMap(_varint);
  const feature = [
    0x08, 0x01, // 1: id = 1
    0x18, 0x03, // 3: type = POLYGON
    0x22, ..._varint(geometry.length), ...geometry, // 4: geometry (packed)
  ];
  const name = new TextEncoder().encode("mpy-or");
  const layerMsg = [
    0x0a, ..._varint(name.length), ...name, // 1: name
    0x12, ..._varint(feature.length), ...feature, // 2: features
    0x28, ..._varint(4096), // 5: extent
    0x78, 0x02, // 15: version = 2
  ];
  return Uint8Array.from([0x1a, ..._varint(layerMsg.length), ...layerMsg]); // 3: layers
}

function _command(id: number, count: number): number {
  return (id & 0x7) | (count << 3);
}

function _zigzag(n: number): number {
  return n >= 0 ? n * 2 : -n * 2 - 1;
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
