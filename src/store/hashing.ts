import { createHash, randomBytes } from 'node:crypto';

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A storage key for a caller's id (conversation ids hold `:`, `@`, `/`): fixed length, safe everywhere. */
export function keyFor(...parts: readonly string[]): string {
  return sha256Hex(parts.join('\u0000'));
}

/** An unguessable id for buttons, leases and records. */
export function randomId(bytes = 16): string {
  return randomBytes(bytes).toString('base64url');
}
