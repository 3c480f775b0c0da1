/**
 * ARM request paths are built from resource ids, and resource ids come from responses (ARG rows,
 * ARM lists) and estate files: text someone else wrote. A name such as `x/../../other` or
 * `x%2f..%2fother` would move a request — carrying our token — to a resource nobody selected. So
 * every path is split into segments and each segment is checked before a request is built.
 */

/** Characters a segment may hold: letters and digits of any script, and the punctuation ARM names use (`orders;rev=2`, `rg(prod)`, `a.b_c-d`, `~`, `@`, `,`, `:`). */
const SEGMENT = /^[\p{L}\p{N}._\-();=~@,:$!*'+]+$/u;

export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
}

/**
 * The path, unchanged, when every segment is safe; throws {@link UnsafePathError} naming the
 * offending segment otherwise. Refused: empty segments (`//`), `.` and `..`, percent-encoded
 * bytes (an encoded `/` or `..` survives until the server decodes it), backslashes, whitespace,
 * control characters, `?` and `#` (which would start a query or fragment).
 */
export function checkArmPath(path: string): string {
  const trimmed = path.replace(/^\/+/, '');
  if (trimmed === '') throw new UnsafePathError('an empty ARM path');
  for (const segment of trimmed.split('/')) {
    if (segment === '' || segment === '.' || segment === '..' || !SEGMENT.test(segment)) {
      throw new UnsafePathError(`refusing an ARM path with the segment ${JSON.stringify(segment)} (from ${JSON.stringify(path.slice(0, 300))})`);
    }
  }
  return path;
}
