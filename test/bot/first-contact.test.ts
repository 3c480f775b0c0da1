import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectTarget, type ConnectedTarget } from '../../src/azure/connect.js';
import { parseCommand } from '../../src/bot/commands.js';
import type { Card } from '../../src/bot/messenger.js';
import { FIRST_COMMANDS, HELP_COMMANDS, helpCard, parseCardAction, welcomeCard } from '../../src/cards/render.js';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { seededServices } from '../../src/sandbox/seed.js';
import { executeActions, fullText } from '../cards/support.js';
import { click, inProcessBot, type InProcessBot, sandboxRunner } from '../support/bot-in-process.js';

/**
 * First contact: the welcome card, help that lists the filters, suggestions as buttons that run
 * the command, questions about a rule answered as explain, no CLI flags in chat, examples that
 * exist on the sandbox, and the sandbox banner on every card.
 */
let config: AppConfig;
let connected: ConnectedTarget;
let bot: InProcessBot;
let plainBot: InProcessBot;

beforeAll(async () => {
  config = await loadConfig(undefined, {});
  connected = await connectTarget(config.target, { argQuota: { limit: 10_000, windowMs: 1_000 } });
  const runner = () => sandboxRunner(connected.target, config);
  bot = inProcessBot({ runner: runner(), config, sandbox: true });
  plainBot = inProcessBot({ runner: runner(), config });
}, 30_000);

afterAll(async () => {
  await connected.close();
});

const SANDBOX_BANNER = 'SANDBOX: a local emulator with made-up services, not your Azure estate';

function invokeCard(response: unknown): Card {
  return (response as { body?: { value?: Card } } | undefined)?.body?.value ?? {};
}

describe('first contact', () => {
  it('welcomes when the bot itself is added, with three commands as buttons, and not when someone else joins', async () => {
    const added = await bot.turn('a:welcome', { type: 'conversationUpdate', membersAdded: [{ id: '28:bot', name: 'APIM posture' }] });
    expect(added.sent).toHaveLength(1);
    const text = fullText(added.sent[0]);
    expect(text).toContain('Hi, I\'m APIM posture');
    expect(text).toContain('high and above');
    expect(executeActions(added.sent[0]).map((a) => a.data['text'])).toEqual([...FIRST_COMMANDS]);
    const someoneElse = await bot.turn('a:welcome', { type: 'conversationUpdate', membersAdded: [{ id: '29:new-colleague', name: 'Sam' }] });
    expect(someoneElse.sent).toEqual([]);
  });

  it('a command button runs the command as typed and gives the help card back whole', async () => {
    const answer = await bot.turn('a:button', click('command', { text: 'explain APIM-004', card: 'help' }));
    expect(fullText(answer.sent[0])).toContain('APIM-004');
    expect(fullText(invokeCard(answer.invokeResponse))).toContain('I audit the security posture of Azure API Management');
  });

  it('a typo in the environment is answered with the audit it probably meant, as a button that keeps the filters', async () => {
    const answer = await bot.turn('a:typo', { text: 'audit apim in prdo high and above' });
    expect(fullText(answer.sent[0])).toContain('Did you mean prod?');
    expect(executeActions(answer.sent[0]).map((a) => [a.verb, a.data['text']])).toEqual([['command', 'audit apim in prod high and above']]);
  });

  it('a misspelt service name offers the services it may have meant', async () => {
    await bot.turn('a:typo-service', { text: 'audit apim-payments-prod-wue' });
    // The refusal arrives as an edit of the progress card once the inventory has looked.
    let card: Card | undefined;
    for (let waited = 0; card === undefined && waited < 20_000; waited += 50) {
      card = bot.edits.get('a:typo-service')?.find((edit) => fullText(edit).includes('No APIM service named'));
      if (card === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(fullText(card)).toContain("No APIM service named 'apim-payments-prod-wue'");
    expect(executeActions(card).map((a) => a.data['text'])).toContain('audit apim-payments-prod-weu');
  }, 30_000);

  it('"audit" alone asks for an estate in chat words, never with CLI flags', async () => {
    const answer = await bot.turn('a:bare', { text: 'audit' });
    const text = fullText(answer.sent[0]);
    expect(text).toContain('Say which estate to audit');
    expect(text).not.toMatch(/--\w/);
    expect(executeActions(answer.sent[0]).map((a) => a.data['text'])).toContain('audit apim in prod');
  });

  it('questions about a rule are answered with explain', () => {
    for (const question of ['how do I fix APIM-001', 'how do i fix apim-1?', 'what is APIM-004?', 'fix APIM-012', 'tell me about apim-7']) {
      expect(parseCommand(question, ['prod']), question).toMatchObject({ kind: 'explain' });
    }
    expect(parseCommand('how do I fix APIM-001', ['prod'])).toEqual({ kind: 'explain', ruleId: 'APIM-001' });
    expect(parseCommand('how are you', ['prod'])).toMatchObject({ kind: 'help' });
  });
});

describe('chat text', () => {
  it('help lists the filters, and its suggestion is a button', () => {
    const card = helpCard({ suggestion: 'audit apim in prod', environments: ['prod', 'dev'] });
    const text = fullText(card);
    for (const filter of ['high and above', 'rule APIM-004', 'deep']) expect(text).toContain(filter);
    expect(executeActions(card).filter((a) => a.verb === 'command').map((a) => a.data['text'])).toContain('audit apim in prod');
  });

  it('help, welcome and the manifest name only services that exist on the sandbox', () => {
    const sandbox = new Set(seededServices().map((service) => service.name));
    const manifest = readFileSync(new URL('../../manifest/manifest.template.json', import.meta.url), 'utf8');
    const named = [
      ...[...HELP_COMMANDS.map((c) => c.command), ...FIRST_COMMANDS].flatMap((command) => /^audit (apim-[a-z0-9-]+)/.exec(command)?.[1] ?? []),
      ...[...manifest.matchAll(/audit (apim-[a-z0-9-]+)/g)].map((match) => match[1] ?? ''),
    ];
    expect(named.length).toBeGreaterThan(2);
    for (const name of named) expect(sandbox.has(name), name).toBe(true);
  });

  it('chat cards never mention CLI flags', () => {
    for (const card of [helpCard(), welcomeCard({ environments: ['prod'] })]) expect(fullText(card)).not.toMatch(/--\w/);
    // Every text the bot and its cards are built from: templates and the source of both folders.
    const root = new URL('../../', import.meta.url);
    const files = [
      ...readdirSync(new URL('cards/', root)).map((name) => new URL(`cards/${name}`, root)),
      ...['src/cards/', 'src/bot/'].flatMap((dir) => readdirSync(new URL(dir, root)).map((name) => new URL(`${dir}${name}`, root))),
    ];
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) expect(readFileSync(file, 'utf8'), file.pathname).not.toMatch(/['"`][^'"`\n]*[\s(]--[a-z][a-z-]+/);
  });

  it('command buttons carry printable, short text and a static card name or a ref-sized card, nothing else', () => {
    expect(parseCardAction('command', { text: 'audit apim in prod', card: 'help' })).toEqual({ verb: 'command', data: { text: 'audit apim in prod', card: 'help' } });
    expect(parseCardAction('command', { text: 'audit apim in prod' })).toEqual({ verb: 'command', data: { text: 'audit apim in prod' } });
    // A card rendered without a kept copy carries an empty card field: no card, not a refusal.
    expect(parseCardAction('command', { text: 'audit apim in prod', card: '' })).toEqual({ verb: 'command', data: { text: 'audit apim in prod' } });
    expect(parseCardAction('command', { text: 'last', card: 'kept.b3' })).toEqual({ verb: 'command', data: { text: 'last', card: 'kept.b3' } });
    for (const data of [
      { text: 'audit\napim in prod' },
      { text: 'x'.repeat(201) },
      { text: '   ' },
      { text: 'audit apim in prod', card: 'x'.repeat(257) },
      { text: 'audit apim in prod', card: 'a\nb' },
      { text: 'audit apim in prod', card: 42 },
      { text: 'audit apim in prod', ref: 'abc' },
      { text: 42 },
    ]) {
      expect(parseCardAction('command', data), JSON.stringify(data)).toBeUndefined();
    }
  });
});

describe('the sandbox banner', () => {
  it('tops every card the bot sends on the sandbox: replies, progress, results and click answers', async () => {
    const help = await bot.turn('a:banner', { text: 'help' });
    expect(fullText(help.sent[0]).split('\n')[0]).toBe(SANDBOX_BANNER);
    const result = bot.nextResult('a:banner');
    const started = await bot.turn('a:banner', { text: 'audit apim in dev' });
    expect(fullText(started.sent[0]).split('\n')[0]).toBe(SANDBOX_BANNER);
    const summary = await result;
    expect(fullText(summary).split('\n')[0]).toBe(SANDBOX_BANNER);
    const ref = executeActions(summary).find((a) => a.verb === 'showFindings')?.data;
    const clicked = await bot.turn('a:banner', click('showFindings', ref ?? {}));
    expect(fullText(invokeCard(clicked.invokeResponse)).split('\n')[0]).toBe(SANDBOX_BANNER);
    for (const card of clicked.sent) expect(fullText(card).split('\n')[0]).toBe(SANDBOX_BANNER);
    // Exactly once, even on a card rendered again.
    expect(fullText(invokeCard(clicked.invokeResponse)).split(SANDBOX_BANNER)).toHaveLength(2);
  }, 30_000);

  it('is absent when the target is not the sandbox', async () => {
    const help = await plainBot.turn('a:no-banner', { text: 'help' });
    expect(fullText(help.sent[0])).not.toContain('SANDBOX');
  });
});
