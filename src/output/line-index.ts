/**
 * Lines of resource ids in an estate's text, for SARIF locations: one pass over the text, recording
 * the first line where each wanted id appears as a JSON string. Searching the text once per finding
 * and counting the lines before each hit made SARIF quadratic (10,000 services took minutes).
 *
 * `wanted` are the ids as the report names them; a hit is the exact JSON string literal of an id
 * (as `JSON.stringify(id)` writes it), like a text search for it would find.
 */
export function lineIndex(text: string, wanted: Iterable<string>): ReadonlyMap<string, number> {
  const literals = new Map<string, string>();
  for (const id of wanted) literals.set(JSON.stringify(id), id);
  const lines = new Map<string, number>();
  if (literals.size === 0) return lines;
  let line = 1;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const code = text.charCodeAt(index);
    if (code === 0x0a) {
      line += 1;
      index += 1;
    } else if (code === 0x22) {
      // A string token: find its closing quote, skipping escaped characters. JSON strings hold no raw line breaks.
      let end = index + 1;
      while (end < length) {
        const c = text.charCodeAt(end);
        if (c === 0x5c) end += 2;
        else if (c === 0x22) break;
        else end += 1;
      }
      // Resource ids start with "/": only those tokens are worth a lookup.
      if (text.charCodeAt(index + 1) === 0x2f) {
        const id = literals.get(text.slice(index, end + 1));
        if (id !== undefined && !lines.has(id)) lines.set(id, line);
      }
      index = end + 1;
    } else {
      index += 1;
    }
  }
  return lines;
}
