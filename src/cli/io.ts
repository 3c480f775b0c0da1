import { randomBytes } from 'node:crypto';
import { open, rename, unlink, type FileHandle } from 'node:fs/promises';
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
 * in chunks (a large report): they are encoded as they are produced into one reused buffer of
 * {@link WRITE_BUFFER_BYTES}, written each time it fills, never joined into one string.
 */
export async function writeFileAtomic(path: string, text: string | Iterable<string>, options: { readonly mode?: number } = {}): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, 'wx', options.mode ?? 0o644);
  try {
    if (typeof text === 'string') await handle.writeFile(text, 'utf8');
    else await writeChunks(handle, text);
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

/** Bytes per write of a file written in chunks. */
export const WRITE_BUFFER_BYTES = 1 << 20;

/**
 * Chunks encoded straight into one reused buffer, written whenever the next chunk might not fit.
 * Joining chunks into batch strings and converting each batch to bytes cost more than writing them:
 * the joined strings are copied again to flatten them, and each conversion allocates its own buffer.
 */
async function writeChunks(handle: FileHandle, chunks: Iterable<string>): Promise<void> {
  const buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  let used = 0;
  for (const chunk of chunks) {
    // UTF-8 takes at most three bytes per UTF-16 code unit (a surrogate pair's four bytes are two units).
    if (used + chunk.length * 3 > buffer.length) {
      await writeAll(handle, buffer, used);
      used = 0;
      if (chunk.length * 3 > buffer.length) {
        const bytes = Buffer.from(chunk, 'utf8');
        await writeAll(handle, bytes, bytes.length);
        continue;
      }
    }
    used += buffer.write(chunk, used, 'utf8');
  }
  await writeAll(handle, buffer, used);
}

/** The first `length` bytes of `bytes`, however many writes the system takes for them. */
async function writeAll(handle: FileHandle, bytes: Buffer, length: number): Promise<void> {
  let offset = 0;
  while (offset < length) {
    const { bytesWritten } = await handle.write(bytes, offset, length - offset);
    offset += bytesWritten;
  }
}
