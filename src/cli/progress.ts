import type { InventoryProgress } from '../inventory/collect.js';
import { plural, progressBar } from '../util/text.js';

/**
 * One status line on a terminal's stderr, rewritten in place and at most every 100 ms; nothing at
 * all when stderr is not a terminal (pipelines get the report, not animation).
 */
export function progressLine(write: (text: string) => void, enabled: boolean, now: () => number = Date.now): {
  update(progress: InventoryProgress): void;
  done(): void;
} {
  let last = 0;
  let shown = false;
  let state = { subscriptions: 0, pages: 0, services: 0, childrenDone: 0, childrenTotal: 0 };
  const render = (): string => {
    const parts = [plural(state.subscriptions, 'subscription'), `Resource Graph: ${plural(state.pages, 'page')} · ${plural(state.services, 'APIM service')}`];
    if (state.childrenTotal > 0) parts.push(`child resources ${progressBar(state.childrenDone, state.childrenTotal)}`);
    return parts.join(' · ');
  };
  return {
    update(progress) {
      if (progress.phase === 'subscriptions') state = { ...state, subscriptions: progress.subscriptions };
      else if (progress.phase === 'services') state = { ...state, pages: progress.pages, services: progress.services };
      else state = { ...state, childrenDone: progress.done, childrenTotal: progress.total };
      const time = now();
      const finished = progress.phase === 'children' && progress.done === progress.total;
      if (!enabled || (time - last < 100 && !finished)) return;
      last = time;
      shown = true;
      write(`\r\u001b[2K${render()}`);
    },
    done() {
      if (enabled && shown) write('\r\u001b[2K');
    },
  };
}
