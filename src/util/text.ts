/** "1 service", "3 services"; irregular plurals by argument: `plural(n, 'entry', 'entries')`. */
export function plural(count: number, noun: string, nouns = `${noun}s`): string {
  return `${count} ${byCount(count, noun, nouns)}`;
}

/** The word that agrees with a count, for verbs and pronouns: `byCount(n, 'was', 'were')`. */
export function byCount(count: number, one: string, many: string): string {
  return count === 1 ? one : many;
}

/** `▓▓▓▓▓░░░ 7/12`: a text progress bar of `width` cells, for cards and terminals alike. */
export function progressBar(done: number, total: number, width = 12): string {
  const safeTotal = Math.max(0, total);
  const safeDone = Math.min(Math.max(0, done), safeTotal);
  const filled = safeTotal === 0 ? 0 : Math.round((safeDone / safeTotal) * width);
  return `${'▓'.repeat(filled)}${'░'.repeat(width - filled)} ${safeDone}/${safeTotal}`;
}
