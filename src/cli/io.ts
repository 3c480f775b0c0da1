import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

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

/**
 * Writes a file atomically: a crash mid-write never leaves a half-written report behind. The
 * temporary file has an unpredictable name and is created exclusively (O_EXCL: an existing file
 * or a symlink planted at that name makes the write fail instead of being followed), then renamed
 * over the target, which replaces a symlink at the target rather than writing through it.
 * `mode` 0o600 keeps files that hold inventory data readable by their owner only. `text` may come
 * in chunks (a large report): each is written as it is produced, never joined into one string.
 */
export async function writeFileAtomic(path: string, text: string | Iterable<string>, options: { readonly mode?: number } = {}): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', options.mode ?? 0o644);
  try {
    if (typeof text === 'string') await handle.writeFile(text, 'utf8');
    else for (const chunk of text) await handle.write(chunk, null, 'utf8');
    // The mode given to open is filtered by the umask; an owner-only file must not depend on it.
    if (options.mode !== undefined) await handle.chmod(options.mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await rename(temporary, path);
  } catch (error) {
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
}
