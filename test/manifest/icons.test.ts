import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ICONS, encodePng, render } from '../../scripts/make-icons.js';
import { MANIFEST_DIR, checkIcon, readPng } from '../../scripts/package-app.js';
import { decodePng } from './png.js';

const color = readFileSync(join(MANIFEST_DIR, 'color.png'));
const outline = readFileSync(join(MANIFEST_DIR, 'outline.png'));

function pixels(png: Buffer): { rgba: [number, number, number, number][]; width: number; height: number; colorType: number; bitDepth: number } {
  const decoded = decodePng(png);
  const rgba = Array.from({ length: decoded.width * decoded.height }, (_, i) => [...decoded.rgba.subarray(i * 4, i * 4 + 4)] as [number, number, number, number]);
  return { ...decoded, rgba };
}

describe('the Teams icons', () => {
  it('color.png is a 192×192 8-bit RGBA PNG in full colour, opaque', () => {
    const image = pixels(color);
    expect({ width: image.width, height: image.height, bitDepth: image.bitDepth, colorType: image.colorType }).toEqual({ width: 192, height: 192, bitDepth: 8, colorType: 6 });
    expect(image.rgba.every(([, , , a]) => a === 255)).toBe(true);
    const colours = new Set(image.rgba.map((pixel) => pixel.join(',')));
    expect(colours.size).toBeGreaterThan(3);
    expect(image.rgba.some(([r, g, b]) => r !== g || g !== b)).toBe(true);
  });

  it('outline.png is 32×32 with an alpha channel: transparent background, every visible pixel white', () => {
    const image = pixels(outline);
    expect({ width: image.width, height: image.height, bitDepth: image.bitDepth, colorType: image.colorType }).toEqual({ width: 32, height: 32, bitDepth: 8, colorType: 6 });
    expect(image.rgba[0]?.[3]).toBe(0); // the corner is background
    expect(image.rgba.filter(([, , , a]) => a === 0).length).toBeGreaterThan(32 * 32 * 0.4);
    const visible = image.rgba.filter(([, , , a]) => a > 0);
    expect(visible.length).toBeGreaterThan(50);
    expect(visible.filter(([r, g, b]) => r !== 255 || g !== 255 || b !== 255)).toEqual([]);
  });

  it('are what scripts/make-icons.ts draws (regenerate them with npx tsx scripts/make-icons.ts)', () => {
    for (const icon of ICONS) {
      const committed = decodePng(readFileSync(join(MANIFEST_DIR, icon.file)));
      expect(Buffer.from(committed.rgba).equals(render(icon.picture, icon.size)), icon.file).toBe(true);
    }
  });

  it('pass the packaging check', () => {
    expect(checkIcon(color, 'color.png', 'color')).toEqual([]);
    expect(checkIcon(outline, 'outline.png', 'outline')).toEqual([]);
  });
});

describe('the packaging icon check', () => {
  const solid = (size: number, rgba: readonly number[]): Buffer => Buffer.from(Array.from({ length: size * size }, () => rgba).flat());

  it('catches a wrong size, an opaque outline and colour in an outline', () => {
    expect(checkIcon(color, 'outline.png', 'outline')).toEqual([
      'outline.png: the outline icon must be 32×32 pixels, it is 192×192',
      'outline.png: the outline icon must have a transparent background, no pixel is transparent',
      expect.stringMatching(/^outline\.png: the outline icon must be white only; \d+ visible pixels are not white, first at \(0,0\)$/),
    ]);
    const tinted = solid(32, [0, 0, 0, 0]);
    tinted.set([255, 0, 0, 128], (3 * 32 + 5) * 4);
    expect(checkIcon(encodePng(32, 32, tinted), 'outline.png', 'outline')).toEqual([
      'outline.png: the outline icon must be white only; 1 visible pixels are not white, first at (5,3)',
    ]);
    expect(checkIcon(outline, 'color.png', 'color')).toEqual(['color.png: the color icon must be 192×192 pixels, it is 32×32']);
  });

  it('catches an outline without alpha, a corrupt file and something that is not a PNG', () => {
    const rgb = encodeWithEveryFilter(32, 32, Buffer.alloc(32 * 32 * 3, 255), 2);
    expect(checkIcon(rgb, 'outline.png', 'outline')).toEqual(['outline.png: the outline icon needs an alpha channel (PNG colour type 4 or 6), it has colour type 2']);
    const corrupt = Buffer.from(outline);
    corrupt[50] = (corrupt[50] ?? 0) ^ 0xff; // a byte of the IDAT data
    expect(checkIcon(corrupt, 'outline.png', 'outline')).toEqual(['outline.png: bad CRC in the IDAT chunk']);
    expect(checkIcon(Buffer.from('GIF89a'), 'color.png', 'color')).toEqual(['color.png: not a PNG file']);
  });

  it('reads PNGs saved with every scanline filter, as image editors write them', () => {
    const [width, height] = [7, 5];
    const rgba = Buffer.from(Array.from({ length: width * height * 4 }, (_, i) => (i * 37 + (i >> 2) * 11) & 0xff));
    const png = encodeWithEveryFilter(width, height, rgba);
    expect(readPng(png).samples?.equals(rgba)).toBe(true);
    expect(Buffer.from(decodePng(png).rgba).equals(rgba)).toBe(true);
  });
});

/** An 8-bit PNG, RGBA (colour type 6) or RGB (2), whose row y uses filter y % 5 (None, Sub, Up, Average, Paeth). */
function encodeWithEveryFilter(width: number, height: number, samples: Buffer, colorType: 2 | 6 = 6): Buffer {
  const bpp = colorType === 6 ? 4 : 3;
  const stride = width * bpp;
  const at = (x: number, y: number): number => (x >= 0 && y >= 0 ? (samples[y * stride + x] ?? 0) : 0);
  const raw: number[] = [];
  for (let y = 0; y < height; y += 1) {
    raw.push(y % 5);
    for (let x = 0; x < stride; x += 1) {
      const [left, up, upLeft] = [at(x - bpp, y), at(x, y - 1), at(x - bpp, y - 1)];
      const p = left + up - upLeft;
      const paeth = Math.abs(p - left) <= Math.abs(p - up) && Math.abs(p - left) <= Math.abs(p - upLeft) ? left : Math.abs(p - up) <= Math.abs(p - upLeft) ? up : upLeft;
      const predictor = [0, left, up, (left + up) >> 1, paeth][y % 5] ?? 0;
      raw.push((at(x, y) - predictor) & 0xff);
    }
  }
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const framed = Buffer.alloc(body.length + 8);
    framed.writeUInt32BE(data.length, 0);
    body.copy(framed, 4);
    framed.writeUInt32BE(crc32(body), body.length + 4);
    return framed;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, colorType, 0, 0, 0], 8);
  return Buffer.concat([encodePng(1, 1, Buffer.alloc(4)).subarray(0, 8), chunk('IHDR', header), chunk('IDAT', deflateSync(Buffer.from(raw))), chunk('IEND', Buffer.alloc(0))]);
}
