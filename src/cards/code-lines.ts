/**
 * Code, a request or a command as card lines, whole: one entry per line, never cut. Leading spaces
 * become no-break spaces (renderers collapse ordinary ones, and JSON without its indentation is
 * hard to read); long lines wrap in the card. Callers that cannot fit the text say so instead.
 */
export function wholeLines(code: string): { text: string }[] {
  return code
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, '  ')
    .split('\n')
    .map((line) => {
      const text = line.trimEnd().replace(/^ +/, (spaces) => '\u00a0'.repeat(spaces.length));
      return { text: text === '' ? '\u00a0' : text };
    });
}
