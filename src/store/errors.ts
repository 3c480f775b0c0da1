/**
 * Errors the store raises. Messages are one line for an operator, name the store (never a key,
 * a token or a connection string) and say what to do.
 */
export class StoreError extends Error {
  override readonly name: string = 'StoreError';
}

/** The configuration cannot describe a store: a missing URL, a connection string outside local emulation. */
export class StoreConfigError extends StoreError {
  override readonly name = 'StoreConfigError';
}

/** The store does not answer, or refuses the identity: raised at start so the bot fails fast. */
export class StoreUnavailableError extends StoreError {
  override readonly name = 'StoreUnavailableError';
}

/** What the store holds is not what it wrote: edited by hand, truncated, or hostile. */
export class StoreCorruptError extends StoreError {
  override readonly name = 'StoreCorruptError';
}

/** A value larger than the store keeps. */
export class StoreLimitError extends StoreError {
  override readonly name = 'StoreLimitError';
}

/**
 * Removes what must never reach a log from a message produced by a library: account keys and
 * SAS signatures (connection strings, URLs with a query) and bearer tokens.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(AccountKey|SharedAccessSignature|sig|se|sp|sv|skoid|sktid|skt|ske|sks|skv)=[^;&\s"']*/gi, '$1=[redacted]')
    .replace(/Bearer\s+[A-Za-z0-9._~+/=-]+/g, 'Bearer [redacted]');
}

/** A one-line description of an unknown failure, secrets removed. */
export function describeFailure(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const status = (error as { statusCode?: unknown }).statusCode;
    const firstLine = (error.message.split('\n')[0] ?? '').trim();
    // Node's errors already start with their code ("ENOENT: no such file…").
    const codeText = typeof code === 'string' && !firstLine.startsWith(code) ? code : undefined;
    const parts = [typeof status === 'number' ? `HTTP ${status}` : undefined, codeText, firstLine || error.name];
    return redactSecrets(parts.filter((part) => part !== undefined && part !== '').join(' '));
  }
  return redactSecrets(String(error).split('\n')[0] ?? 'unknown error');
}
