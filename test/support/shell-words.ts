import { spawnSync } from 'node:child_process';

/**
 * Splits a POSIX shell command line into words: single quotes (nothing special inside), double
 * quotes (`\` escapes `$`, backtick, `"`, `\`), backslash outside quotes, blanks between words.
 * Anything that would make the shell expand or run something ($, backticks, ;, |, &, <, >, (, ))
 * outside quotes is an error: a command that needs those is not one literal call.
 */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i += 1) {
    const char = line.charAt(i);
    if (char === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) throw new Error(`unterminated single quote at ${i}`);
      word = (word ?? '') + line.slice(i + 1, end);
      i = end;
    } else if (char === '"') {
      word ??= '';
      for (i += 1; i < line.length && line.charAt(i) !== '"'; i += 1) {
        const inner = line.charAt(i);
        if (inner === '$' || inner === '`') throw new Error(`expansion inside double quotes at ${i}`);
        if (inner === '\\' && '$`"\\'.includes(line.charAt(i + 1))) i += 1;
        word += line.charAt(i);
      }
      if (i >= line.length) throw new Error('unterminated double quote');
    } else if (char === '\\') {
      word = (word ?? '') + line.charAt(i + 1);
      i += 1;
    } else if (char === ' ' || char === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if ('$`;|&<>()\n'.includes(char)) {
      throw new Error(`unquoted ${JSON.stringify(char)} at ${i}`);
    } else {
      word = (word ?? '') + char;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The command's words as bash sees them: `az` replaced by a function that prints its arguments. */
export function bashWords(command: string): string[] {
  const run = spawnSync('bash', ['-c', `az() { printf '%s\\0' az "$@"; }\n${command}`], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bash failed: ${run.stderr}`);
  return run.stdout.split('\0').slice(0, -1);
}

/** The request an `az rest` command sends, read back from its words. */
export function azRestRequest(words: readonly string[]): { method: string; url: string; headers: unknown; body: unknown } {
  if (words[0] !== 'az' || words[1] !== 'rest') throw new Error(`not an az rest command: ${words.slice(0, 2).join(' ')}`);
  const option = (name: string): string | undefined => {
    const at = words.indexOf(name);
    return at < 0 ? undefined : words[at + 1];
  };
  const headers = option('--headers');
  return { method: option('--method') ?? '', url: option('--url') ?? '', headers: headers === undefined ? undefined : JSON.parse(headers), body: JSON.parse(option('--body') ?? 'null') };
}
