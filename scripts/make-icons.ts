/**
 * Draws the Teams app icons procedurally and writes them as PNGs (node:zlib only, no image library):
 *
 *   manifest/color.png    192×192, full colour: a two-tone shield with a green check on the accent blue
 *   manifest/outline.png   32×32, white shield outline and check on a fully transparent background
 *
 * Deterministic: the same pixels every run. The PNGs are committed; run this only to change them:
 *   npx tsx scripts/make-icons.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';

export type Rgba = readonly [number, number, number, number];
/** A picture in unit coordinates (0..1 across and down); undefined means transparent. */
export type Picture = (x: number, y: number) => Rgba | undefined;

export const COLOR_SIZE = 192;
export const OUTLINE_SIZE = 32;

const ACCENT: Rgba = [0x0b, 0x5c, 0xad, 255]; // the manifest's accentColor
const WHITE: Rgba = [255, 255, 255, 255];
const SHIELD_SHADE: Rgba = [0xd6, 0xe6, 0xf7, 255];
const CHECK_GREEN: Rgba = [0x1e, 0x9e, 0x5a, 255];

/** A heater shield: gently dipped top, straight sides, curving to a point. `inset` shrinks it. */
function inShield(x: number, y: number, inset = 0): boolean {
  const half = 0.32 - inset;
  const top = 0.16 + inset;
  const shoulder = 0.45;
  const bottom = 0.88 - inset * 1.6;
  const dx = Math.abs(x - 0.5);
  if (dx > half || y > bottom || y < top + 0.05 * (1 - (dx / half) ** 2)) return false;
  if (y <= shoulder) return true;
  const t = (y - shoulder) / (bottom - shoulder);
  return dx <= half * (1 - t * t);
}

/** The check mark: two strokes of the given half-width. */
function inCheck(x: number, y: number, halfWidth: number): boolean {
  return distanceToSegment(x, y, 0.37, 0.5, 0.47, 0.61) <= halfWidth || distanceToSegment(x, y, 0.47, 0.61, 0.65, 0.39) <= halfWidth;
}

function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export const colorPicture: Picture = (x, y) => {
  if (inCheck(x, y, 0.045) && inShield(x, y)) return CHECK_GREEN;
  if (inShield(x, y)) return x < 0.5 ? WHITE : SHIELD_SHADE;
  return ACCENT;
};

export const outlinePicture: Picture = (x, y) => {
  const ring = inShield(x, y) && !inShield(x, y, 0.085);
  return ring || inCheck(x, y, 0.055) ? WHITE : undefined;
};

/** Renders a picture to RGBA bytes, averaging 4×4 samples per pixel for smooth edges. */
export function render(picture: Picture, size: number): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let row = 0; row < size; row += 1) {
    for (let col = 0; col < size; col += 1) {
      let [r, g, b, a] = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy += 1) {
        for (let sx = 0; sx < samples; sx += 1) {
          const colour = picture((col + (sx + 0.5) / samples) / size, (row + (sy + 0.5) / samples) / size);
          if (colour === undefined) continue;
          const alpha = colour[3] / 255;
          [r, g, b, a] = [r + colour[0] * alpha, g + colour[1] * alpha, b + colour[2] * alpha, a + alpha];
        }
      }
      const offset = (row * size + col) * 4;
      // Colour is the alpha-weighted mean of the covered samples, so a white-only picture stays pure white.
      if (a > 0) pixels.set([Math.round(r / a), Math.round(g / a), Math.round(b / a), Math.round((a / samples ** 2) * 255)], offset);
    }
  }
  return pixels;
}

/** Encodes 8-bit RGBA pixels as a PNG: signature, IHDR, one IDAT (filter 0 on every row), IEND. */
export function encodePng(width: number, height: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA), deflate, adaptive filtering, no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let row = 0; row < height; row += 1) rgba.copy(raw, row * (stride + 1) + 1, row * stride, (row + 1) * stride);
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

function chunk(type: string, data: Buffer): Buffer {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(typeAndData.length + 8);
  out.writeUInt32BE(data.length, 0);
  typeAndData.copy(out, 4);
  out.writeUInt32BE(crc32(typeAndData), out.length - 4);
  return out;
}

export const ICONS = [
  { file: 'color.png', size: COLOR_SIZE, picture: colorPicture },
  { file: 'outline.png', size: OUTLINE_SIZE, picture: outlinePicture },
] as const;

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const icon of ICONS) {
    const target = fileURLToPath(new URL(`../manifest/${icon.file}`, import.meta.url));
    writeFileSync(target, encodePng(icon.size, icon.size, render(icon.picture, icon.size)));
    console.log(`wrote ${target} (${icon.size}×${icon.size})`);
  }
}
