/**
 * Characters that make text act or read other than it shows: C0 and C1 controls (terminal escapes,
 * line breaks) and the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069).
 */
function isControl(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069);
}

export function hasControlCharacters(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (isControl(text.charCodeAt(index))) return true;
  return false;
}

/** `text` with each run of such characters replaced by one space: for a terminal or a one-line message. */
export function withoutControlCharacters(text: string): string {
  let out = '';
  let inRun = false;
  for (let index = 0; index < text.length; index += 1) {
    const control = isControl(text.charCodeAt(index));
    if (!control) out += text.charAt(index);
    else if (!inRun) out += ' ';
    inRun = control;
  }
  return out;
}
