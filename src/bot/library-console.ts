import { AsyncLocalStorage } from 'node:async_hooks';
import { format } from 'node:util';

/** Where console output written while handling one request goes instead of stderr. */
export type ConsoleSink = (line: string) => void;

const requestScope = new AsyncLocalStorage<ConsoleSink>();
let installed = false;

/**
 * botbuilder's token validation writes `console.error` for every token signed with an unknown key
 * and a whole stack trace for every expired one. Anyone can send such tokens without credentials,
 * so left alone they flood stderr past the structured, rate-limited log. Console writes made while
 * `run` handles a request go to `sink`; writes from anywhere else keep their normal destination.
 */
export function routeLibraryConsole<T>(sink: ConsoleSink, run: () => Promise<T>): Promise<T> {
  installOnce();
  return requestScope.run(sink, run);
}

function installOnce(): void {
  if (installed) return;
  installed = true;
  for (const method of ['error', 'warn', 'log', 'info', 'debug'] as const) {
    const original = console[method].bind(console);
    console[method] = (...args: unknown[]): void => {
      const sink = requestScope.getStore();
      if (sink === undefined) original(...args);
      else sink(firstLine(args));
    };
  }
}

/** The first line only: a stack trace says nothing a log reader needs about a refused token. */
function firstLine(args: readonly unknown[]): string {
  const text = args.map((arg) => (arg instanceof Error ? `${arg.name}: ${arg.message}` : typeof arg === 'string' ? arg : format('%o', arg))).join(' ');
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
