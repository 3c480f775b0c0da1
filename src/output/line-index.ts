/**
 * Lines of resource ids in an estate's text, for SARIF locations: one pass over the text, recording
 * the first line where each wanted id appears as a JSON string. Searching the text once per finding
 * and counting the lines before each hit made SARIF quadratic (10,000 services took minutes).
 *
 * `wanted` are the ids as the report names them; a hit is the exact JSON string literal of an id
 * (as `JSON.stringify(id)` writes it), like a text search for it would find.
 *
 * The pass jumps with indexOf (a fast search in V8) from one string that starts with "/" to the
 * next, and from one line break to the next, rather than looking at every character in JavaScript:
 * that loop took longer than parsing the estate.
 */
export function lineIndex(text: string, wanted: Iterable<string>): ReadonlyMap<string, number> {
  const literals = new Map<string, string>();
  for (const id of wanted) literals.set(JSON.stringify(id), id);
  const lines = new Map<string, number>();
  if (literals.size === 0) return lines;
  let line = 1;
  /** The first line break not yet counted in `line` (Infinity: none is left). */
  let nextBreak = indexOrInfinity(text.indexOf('\n'));
  let from = 0;
  for (;;) {
    // Resource ids start with "/": only strings that do are worth a lookup.
    const start = text.indexOf('"/', from);
    if (start === -1) break;
    // A quote after an odd number of backslashes is escaped, inside a string; any other quote
    // followed by "/" opens a string (in JSON a closing quote is followed by , : ] } or space).
    if (isEscaped(text, start)) {
      from = start + 1;
      continue;
    }
    const end = closingQuote(text, start + 1);
    if (end === -1) break;
    const id = literals.get(text.slice(start, end + 1));
    if (id !== undefined && !lines.has(id)) {
      // JSON strings hold no raw line breaks, so every "\n" before the id ends a line.
      // The search resumes after the last break counted, never from the id: a text without breaks is searched once.
      while (nextBreak < start) {
        line += 1;
        nextBreak = indexOrInfinity(text.indexOf('\n', nextBreak + 1));
      }
      lines.set(id, line);
    }
    from = end + 1;
  }
  return lines;
}

/** Whether the character at `index` follows an odd number of backslashes. */
function isEscaped(text: string, index: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(index - 1 - backslashes) === 0x5c) backslashes += 1;
  return backslashes % 2 === 1;
}

/** Index of the quote that closes the string whose content starts at `from`, or -1. */
function closingQuote(text: string, from: number): number {
  let index = text.indexOf('"', from);
  while (index !== -1 && isEscaped(text, index)) index = text.indexOf('"', index + 1);
  return index;
}

function indexOrInfinity(index: number): number {
  return index === -1 ? Infinity : index;
}
