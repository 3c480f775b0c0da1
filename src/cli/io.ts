import { rename, writeFile } from 'node:fs/promises';

/** What the CLI touches outside itself, so tests and the bot can run it without a terminal. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Colour and progress only make sense on a terminal. */
  readonly stdoutIsTty: boolean;
  readonly stderrIsTty: boolean;
  /** Fires on Ctrl-C, so long audits stop promptly and close what they opened. */
  readonly abortSignal?: AbortSignal;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly now: () => Date;
}

/** Writes a report file atomically: a crash mid-write never leaves a half-written report behind. */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, path);
}
