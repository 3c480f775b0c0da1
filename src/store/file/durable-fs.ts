import { link, mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import lockfile from 'proper-lockfile';
import { writeFileAtomic } from '../../cli/io.js';
import { randomId } from '../hashing.js';

/** Files hold conversation references and inventory data: readable by their owner only. */
export const FILE_MODE = 0o600;
export const DIRECTORY_MODE = 0o700;

/**
 * Makes a directory's entries (a rename, a new file) durable: on Linux a renamed or created file
 * survives a power cut only once its directory is fsync'd too. Platforms that cannot open a
 * directory for sync (Windows) skip it.
 */
export async function fsyncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    if (process.platform === 'win32') return;
    throw error;
  }
  try {
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'EISDIR') throw error;
  } finally {
    await handle.close();
  }
}

/** Write to a temporary file, fsync, rename over the target, fsync the directory. */
export async function writeDurable(path: string, text: string): Promise<void> {
  await writeFileAtomic(path, text, { mode: FILE_MODE });
  await fsyncDirectory(dirname(path));
}

/**
 * Creates a file only if none exists, atomically and with its whole content: the content is
 * written and fsync'd under a temporary name, then hard-linked to the target, which fails when
 * the target exists (in this process or any other). False when it existed.
 */
export async function createDurable(path: string, content: string | Uint8Array): Promise<boolean> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomId(8)}.tmp`);
  const handle = await open(temporary, 'wx', FILE_MODE);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary).catch(() => undefined);
  }
  await fsyncDirectory(dirname(path));
  return true;
}

export async function ensureDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: DIRECTORY_MODE });
  await fsyncDirectory(dirname(path));
}

/** A lock held longer than this without its holder refreshing it is considered abandoned (a crashed process). */
const STALE_LOCK_MS = 10_000;

/**
 * Runs `work` holding a cross-process lock on `path` (a `<path>.lock` directory, created
 * atomically by mkdir and refreshed while held, so a crashed holder's lock goes stale instead of
 * blocking forever). Waits with jittered retries for up to about 30 seconds.
 */
export async function withFileLock<T>(path: string, work: () => Promise<T>): Promise<T> {
  let compromised: Error | undefined;
  const release = await lockfile.lock(path, {
    realpath: false,
    stale: STALE_LOCK_MS,
    retries: { retries: 300, factor: 1.3, minTimeout: 2, maxTimeout: 100, randomize: true },
    // The default throws from a timer, which would crash the process; report it to the caller instead.
    onCompromised: (error) => {
      compromised = error;
    },
  });
  try {
    const result = await work();
    if (compromised !== undefined) throw compromised;
    return result;
  } finally {
    await release().catch(() => undefined);
  }
}
