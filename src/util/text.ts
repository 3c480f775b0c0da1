/** "1 service", "3 services". */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${count === 1 ? noun : nouns}`;
}

/** `▓▓▓▓▓░░░ 7/12`: a text progress bar of `width` cells, for cards and terminals alike. */
export function progressBar(done: number, total: number, width = 12): string {
  const safeTotal = Math.max(0, total);
  const safeDone = Math.min(Math.max(0, done), safeTotal);
  const filled = safeTotal === 0 ? 0 : Math.round((safeDone / safeTotal) * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${safeDone}/${safeTotal}`;
}
