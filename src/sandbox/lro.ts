/**
 * Long-running operations of service PATCHes in the real-APIM shape (reference/azure-sdk.md §4):
 * a 202 whose `Location` and `Azure-AsyncOperation` are the same `…/operationresults/{id}` URL,
 * polls that answer `InProgress` a set number of times, then `Succeeded`. The change becomes
 * visible (and gets its new ETag) at the poll that first reports `Succeeded`, as on Azure.
 */

export interface LroOptions {
  /** `sync`: PATCH answers 200 with the changed resource. `apim`: 202 and polling, as real APIM. */
  readonly mode?: 'sync' | 'apim';
  /** How many polls answer `InProgress` before one answers `Succeeded`. Default 1. */
  readonly inProgressPolls?: number;
  /**
   * `Retry-After` seconds on the 202 and on `InProgress` polls (real APIM sends 60). Default 0, which
   * the SDK ignores (it then uses `updateIntervalInMs`, so tests can poll fast); `null` omits it.
   */
  readonly retryAfterSeconds?: number | null;
}

export type OperationStatus = 'InProgress' | 'Succeeded';

interface Operation {
  readonly id: string;
  readonly serviceKey: string;
  readonly startTime: string;
  remainingPolls: number;
  status: OperationStatus;
  endTime?: string;
  readonly complete: () => void;
}

export interface OperationView {
  readonly id: string;
  readonly status: OperationStatus;
  readonly startTime: string;
  readonly endTime?: string;
}

export class Operations {
  private readonly operations = new Map<string, Operation>();
  private counter = 0;

  constructor(private readonly inProgressPolls: number) {}

  /** Starts an operation on a service; `complete` applies the change when it succeeds. */
  start(serviceKey: string, location: string, complete: () => void): string {
    this.counter += 1;
    // Real ids are base64 of "<region>:<service>_Act_<hex>"; url-safe here so they stay one path segment.
    const id = Buffer.from(`${location}:${serviceKey.split('/').pop() ?? 'service'}_Act_${this.counter.toString(16).padStart(7, '0')}`)
      .toString('base64')
      .replace(/\+/g, '-')
      .replace(/\//g, '_');
    this.operations.set(id, { id, serviceKey, startTime: new Date().toISOString(), remainingPolls: this.inProgressPolls, status: 'InProgress', complete });
    return id;
  }

  /** One poll: counts down, and completes the operation at the first `Succeeded`. */
  poll(serviceKey: string, id: string): OperationView | undefined {
    const operation = this.operations.get(id);
    if (operation?.serviceKey !== serviceKey) return undefined;
    if (operation.status === 'InProgress') {
      if (operation.remainingPolls > 0) {
        operation.remainingPolls -= 1;
      } else {
        operation.complete();
        operation.status = 'Succeeded';
        operation.endTime = new Date().toISOString();
      }
    }
    return { id: operation.id, status: operation.status, startTime: operation.startTime, ...(operation.endTime === undefined ? {} : { endTime: operation.endTime }) };
  }

  /** Whether a change to the service is still running (a second PATCH then conflicts). */
  running(serviceKey: string): boolean {
    for (const operation of this.operations.values()) if (operation.serviceKey === serviceKey && operation.status === 'InProgress') return true;
    return false;
  }
}
