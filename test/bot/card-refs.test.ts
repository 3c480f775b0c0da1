import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CardRefBatch, resolveCardRef } from '../../src/bot/card-refs.js';
import { openStore, type ButtonRefStore, type JsonObject } from '../../src/store/index.js';

/** Card buttons in one durable write, answered by any process that shares the store. */
async function fileStore(directory = join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data')) {
  return { store: await openStore({ kind: 'file', directory }), directory };
}

function counting(store: ButtonRefStore): { store: ButtonRefStore; issued: () => number } {
  let issued = 0;
  return {
    store: { ...store, issue: (request) => ((issued += 1), store.issue(request)) },
    issued: () => issued,
  };
}

const asMeaning = (value: unknown): JsonObject | undefined => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as JsonObject) : undefined);
const context = { conversationId: 'a:conv' };

describe('CardRefBatch', () => {
  it('hands out refs at once, writes them in one go, and resolves each to its meaning', async () => {
    const { store } = await fileStore();
    const { store: refs, issued } = counting(store.buttonRefs);
    const batch = new CardRefBatch<JsonObject>(refs, 'a:conv', 60_000);
    const fix = batch.refFor({ kind: 'fix', ruleId: 'APIM-001' });
    const show = batch.refFor({ kind: 'report', page: 2 });
    expect(batch.refFor({ kind: 'fix', ruleId: 'APIM-001' })).toBe(fix);
    const card = await batch.commit({ actions: [{ data: { ref: fix } }, { data: { ref: show } }] });
    expect(issued()).toBe(1);
    const [first, second] = card.actions.map((action) => action.data.ref);
    expect(first).toMatch(/^[A-Za-z0-9_-]{16,64}\.b0$/);
    expect(await resolveCardRef(refs, first, context, asMeaning)).toEqual({ ok: true, meaning: { kind: 'fix', ruleId: 'APIM-001' } });
    expect(await resolveCardRef(refs, second, context, asMeaning)).toEqual({ ok: true, meaning: { kind: 'report', page: 2 } });
  });

  it('replaces only the refs it handed out, never card text that looks like one', async () => {
    const { store } = await fileStore();
    const batch = new CardRefBatch<JsonObject>(store.buttonRefs, 'a:conv', 60_000);
    const ref = batch.refFor({ kind: 'report' });
    const lookalikes = ['~pending~b0', `${ref}x`, ref.replace(/b0$/, 'b1'), `name ${ref}`];
    const card = await batch.commit({ ref, texts: lookalikes });
    expect(card.texts).toEqual(lookalikes);
    expect(card.ref).toMatch(/^[A-Za-z0-9_-]{16,64}\.b0$/);
  });

  it('writes nothing for a card without buttons', async () => {
    const { store } = await fileStore();
    const { store: refs, issued } = counting(store.buttonRefs);
    const card = { body: [] };
    expect(await new CardRefBatch<JsonObject>(refs, 'a:conv', 60_000).commit(card)).toBe(card);
    expect(issued()).toBe(0);
  });

  it('is answered by another store instance on the same data (a restart, a second process)', async () => {
    const { store, directory } = await fileStore();
    const batch = new CardRefBatch<JsonObject>(store.buttonRefs, 'a:conv', 60_000);
    const ref = (await batch.commit({ ref: batch.refFor({ kind: 'report' }) })).ref;
    const { store: restarted } = await fileStore(directory);
    expect(await resolveCardRef(restarted.buttonRefs, ref, context, asMeaning)).toEqual({ ok: true, meaning: { kind: 'report' } });
  });

  it('refuses other conversations, forged keys and anything that is not a ref', async () => {
    const { store } = await fileStore();
    const batch = new CardRefBatch<JsonObject>(store.buttonRefs, 'a:conv', 60_000);
    const ref = (await batch.commit({ ref: batch.refFor({ kind: 'report' }) })).ref;
    expect(await resolveCardRef(store.buttonRefs, ref, { conversationId: 'a:elsewhere' }, asMeaning)).toEqual({ ok: false, reason: 'otherConversation' });
    const cardId = ref.slice(0, ref.lastIndexOf('.'));
    let lookups = 0;
    const watched: ButtonRefStore = { ...store.buttonRefs, resolve: (id, ctx) => ((lookups += 1), store.buttonRefs.resolve(id, ctx)) };
    // Keys that are not b<digits> never reach the store, so no prototype name is ever looked up.
    const identity = (meaning: unknown): unknown => meaning;
    for (const forged of [`${cardId}.constructor`, `${cardId}.__proto__`, `${cardId}.toString`, cardId, '.b0', 42, null]) {
      expect(await resolveCardRef(watched, forged, context, identity), String(forged)).toEqual({ ok: false, reason: 'unknown' });
    }
    expect(lookups).toBe(0);
    for (const forged of [`${cardId}.b1`, `${cardId}.b0.b0`]) {
      expect(await resolveCardRef(store.buttonRefs, forged, context, asMeaning), forged).toEqual({ ok: false, reason: 'unknown' });
    }
  });

  it('expires with its TTL', async () => {
    let now = Date.parse('2026-12-03T10:00:00Z');
    const directory = join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data');
    const store = await openStore({ kind: 'file', directory }, { now: () => new Date(now) });
    const batch = new CardRefBatch<JsonObject>(store.buttonRefs, 'a:conv', 60_000);
    const ref = (await batch.commit({ ref: batch.refFor({ kind: 'report' }) })).ref;
    now += 60_001;
    expect(await resolveCardRef(store.buttonRefs, ref, context, asMeaning)).toEqual({ ok: false, reason: 'expired' });
  });
});
