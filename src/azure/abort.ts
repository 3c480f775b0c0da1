import type { PipelineRequest } from '@azure/core-rest-pipeline';

/**
 * The abort signal type the Azure pipeline takes (`PipelineRequest.abortSignal`). A standard
 * `AbortSignal` fits it, so one signal flows from a caller's options bag through the SDK pipeline
 * into our own waits.
 */
export type AbortSignalLike = NonNullable<PipelineRequest['abortSignal']>;

/**
 * Thrown when a wait is cut short by an abort signal. Its name is `AbortError`, the name the Azure
 * SDK's retry policy and `fetch` use, so callers can handle every abort with one check.
 */
export class AbortError extends Error {
  override readonly name = 'AbortError';

  constructor(message = 'The operation was aborted.', options?: ErrorOptions) {
    super(message, options);
  }
}

/** True for an abort from any source: ours, the SDK's, or a DOMException from `fetch`. */
export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Throws an {@link AbortError} when the signal has already fired. */
export function throwIfAborted(abortSignal: AbortSignalLike | undefined): void {
  if (abortSignal?.aborted === true) throw new AbortError();
}

/**
 * Resolves after `delayInMs`, or rejects with an {@link AbortError} as soon as the signal fires.
 * The abort listener is removed either way, so long audits do not pile listeners onto one signal.
 */
export function abortableDelay(delayInMs: number, abortSignal?: AbortSignalLike): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (abortSignal?.aborted === true) {
      reject(new AbortError());
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      // `once` already drops it on standard signals; polyfilled AbortSignalLikes may ignore `once`.
      abortSignal?.removeEventListener('abort', onAbort);
      reject(new AbortError());
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, delayInMs));
    abortSignal?.addEventListener('abort', onAbort, { once: true });
  });
}
