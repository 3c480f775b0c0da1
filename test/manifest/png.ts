import { inflateSync } from 'node:zlib';

/**
 * A test-only PNG reader, written independently of the scripts' encoder and checker: IHDR fields,
 * and for 8-bit RGBA images the pixels (IDAT inflated, every scanline un-filtered).
 */
export interface DecodedPng {
  readonly width: number;
  readonly height: number;
  readonly bitDepth: number;
  readonly colorType: number;
  readonly rgba: Uint8Array;
}

export function decodePng(file: Buffer): DecodedPng {
  expectBytes(file.subarray(0, 8), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  // IHDR is always the first chunk: length 13 at byte 8, type at 12, width/height at 16–23.
  if (file.toString('latin1', 12, 16) !== 'IHDR') throw new Error('IHDR is not the first chunk');
  const [width, height, bitDepth, colorType] = [file.readUInt32BE(16), file.readUInt32BE(20), file[24] ?? 0, file[25] ?? 0];
  const idat: Buffer[] = [];
  for (let at = 8; at < file.length; at += file.readUInt32BE(at) + 12) {
    if (file.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(file.subarray(at + 8, at + 8 + file.readUInt32BE(at)));
  }
  if (bitDepth !== 8 || colorType !== 6) return { width, height, bitDepth, colorType, rgba: new Uint8Array() };
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 4;
  const rgba = new Uint8Array(stride * height);
  for (let y = 0; y < height; y += 1) {
    const filter = raw[y * (stride + 1)];
    for (let i = 0; i < stride; i += 1) {
      const left = i >= 4 ? (rgba[y * stride + i - 4] ?? 0) : 0;
      const up = y > 0 ? (rgba[(y - 1) * stride + i] ?? 0) : 0;
      const upLeft = i >= 4 && y > 0 ? (rgba[(y - 1) * stride + i - 4] ?? 0) : 0;
      let predicted: number;
      if (filter === 0) predicted = 0;
      else if (filter === 1) predicted = left;
      else if (filter === 2) predicted = up;
      else if (filter === 3) predicted = (left + up) >> 1;
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else throw new Error(`bad filter ${String(filter)} on row ${y}`);
      rgba[y * stride + i] = ((raw[y * (stride + 1) + 1 + i] ?? 0) + predicted) & 0xff;
    }
  }
  return { width, height, bitDepth, colorType, rgba };
}

function expectBytes(actual: Buffer, expected: readonly number[]): void {
  if (!actual.equals(Buffer.from(expected))) throw new Error('not a PNG signature');
}
