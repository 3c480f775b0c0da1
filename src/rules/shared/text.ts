/** Small wording helpers for reasons and evidence notes. */

/** "1 unit", "3 units": a number with its noun, made plural by an "s". */
export function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : `${noun}s`}`;
}

/** "'a', 'b'": names in quotes, as reasons list them. */
export function quoted(names: readonly string[]): string {
  return names.map((name) => `'${name}'`).join(', ');
}
