/** Levenshtein distance; words here are short (environment names, command words). */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The candidate a typo most likely meant: within edit distance 2, or sharing the first three
 * letters ("prd" → "prod", "audti" → "audit"). Undefined when nothing is close.
 */
export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = word.length >= 3 && candidate.startsWith(word.slice(0, 3)) ? Math.min(1, editDistance(word, candidate)) : editDistance(word, candidate);
    if (distance <= 2 && (best === undefined || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

/**
 * Names a typo most likely meant, for longer names such as services ("apim-paymnts" →
 * apim-payments-weu): a name counts as close when the word is within a few edits of the whole
 * name or of its beginning (people drop suffixes like "-weu"). The closest come first; ties on
 * the closest distance are all returned, at most `max`.
 */
export function closestNames(word: string, candidates: readonly string[], max = 3): string[] {
  const wanted = word.toLowerCase();
  const limit = Math.max(2, Math.floor(wanted.length / 4));
  const scored = [...new Set(candidates)].map((name) => {
    const lower = name.toLowerCase();
    const whole = editDistance(wanted, lower);
    let start = whole;
    for (let length = Math.max(1, wanted.length - limit); length <= Math.min(lower.length, wanted.length + limit); length += 1) {
      start = Math.min(start, editDistance(wanted, lower.slice(0, length)));
    }
    return { name, distance: start, whole };
  });
  const close = scored.filter((entry) => entry.distance <= limit);
  const best = Math.min(...close.map((entry) => entry.distance));
  return close
    .filter((entry) => entry.distance === best)
    .sort((a, b) => a.whole - b.whole || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, max)
    .map((entry) => entry.name);
}
