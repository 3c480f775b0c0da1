import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../src/bot/commands.js';
import { DEV_BOT_ID, MANIFEST_DIR, PackageError, fillPlaceholders, placeholderValues, validateManifest, type TeamsManifest } from '../../scripts/package-app.js';

const TEST_BOT_ID = '11111111-2222-4333-8444-555555555555';
const template: unknown = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.template.json'), 'utf8'));

function testManifest(): TeamsManifest {
  return fillPlaceholders(template, placeholderValues({ BOT_ID: TEST_BOT_ID }, false)) as TeamsManifest;
}

describe('the Teams manifest template', () => {
  it('validates with zero errors against the bundled v1.24 schema once filled with a test GUID', async () => {
    const manifest = testManifest();
    expect(manifest.$schema).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.24/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.24');
    expect(await validateManifest(manifest)).toEqual([]);
  });

  it('reports a name that is too long and a missing outline icon, one line each', async () => {
    const broken = testManifest() as unknown as { name: { short: string }; icons: Record<string, string> };
    broken.name.short = 'APIM posture for every tenant we run';
    delete broken.icons.outline;
    expect(await validateManifest(broken)).toEqual([
      'manifest: /name/short must NOT have more than 30 characters',
      "manifest: /icons must have required property 'outline'",
    ]);
  });

  it('refuses a $schema it cannot validate offline instead of downloading it', async () => {
    expect(await validateManifest({ ...testManifest(), $schema: 'https://schemas.example.org/teams.json' })).toEqual([
      'manifest: $schema must be https://developer.microsoft.com/json-schemas/teams/vX.Y/MicrosoftTeams.schema.json, got "https://schemas.example.org/teams.json"',
    ]);
    expect(await validateManifest({ ...testManifest(), $schema: 'https://developer.microsoft.com/json-schemas/teams/v1.18/MicrosoftTeams.schema.json' })).toEqual([
      'manifest: @microsoft/app-manifest bundles no Teams schema v1.18; pick a bundled version (for example v1.24)',
    ]);
  });

  it('names the app within the Teams limits, with placeholder developer pages', () => {
    const manifest = testManifest();
    expect(manifest.name.short).toBe('APIM posture');
    expect(manifest.name.full?.length).toBeLessThanOrEqual(100);
    expect(manifest.id).toBe(TEST_BOT_ID);
    expect(manifest.version).toMatch(/^\d+\.\d+\.\d+$/);
    for (const url of [manifest.developer.websiteUrl, manifest.developer.privacyUrl, manifest.developer.termsOfUseUrl]) {
      expect(new URL(url).hostname).toMatch(/(^|\.)example\.(org|com|net)$/);
    }
    expect(manifest.validDomains).toEqual([]);
  });

  it('declares one conversational bot for personal chats, teams and group chats', () => {
    const bots = testManifest().bots ?? [];
    expect(bots).toHaveLength(1);
    expect(bots[0]).toMatchObject({ botId: TEST_BOT_ID, supportsFiles: false, isNotificationOnly: false });
    expect(bots[0]?.scopes).toEqual(['personal', 'team', 'groupChat']);
  });

  it('lists audit, explain, rules, last and help in the command menu of every scope', () => {
    const lists = testManifest().bots?.[0]?.commandLists ?? [];
    for (const scope of ['personal', 'team', 'groupChat'] as const) {
      const list = lists.find((candidate) => candidate.scopes.includes(scope));
      expect(list?.commands.map((command) => command.title), scope).toEqual(['audit apim in prod', 'audit <service>', 'explain APIM-001', 'rules', 'last', 'help']);
      for (const command of list?.commands ?? []) {
        // Teams' documented limits, tighter than the schema's: title ≤ 32, description ≤ 128, ≤ 10 commands.
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect(command.description.length).toBeLessThanOrEqual(128);
      }
      expect(list?.commands.length).toBeLessThanOrEqual(10);
    }
  });

  it('offers only commands the bot understands', () => {
    const titles = (testManifest().bots?.[0]?.commandLists?.[0]?.commands ?? []).map((command) => command.title);
    const kinds = titles.filter((title) => !title.includes('<')).map((title) => parseCommand(title, ['prod']).kind);
    expect(kinds).toEqual(['audit', 'explain', 'rules', 'last', 'help']);
    expect(parseCommand(titles[0] ?? '', ['prod'])).toMatchObject({ kind: 'audit', environment: 'prod' });
    expect(parseCommand('audit apim-payments-weu', ['prod'])).toMatchObject({ kind: 'audit', services: ['apim-payments-weu'] });
  });
});

describe('placeholders', () => {
  it('needs BOT_ID unless --dev, and says how to give it', () => {
    expect(() => placeholderValues({}, false)).toThrow(/^BOT_ID is not set: .*--dev/);
    expect(placeholderValues({ BOT_ID: 'ignored' }, true)).toMatchObject({ BOT_ID: DEV_BOT_ID, TEAMS_APP_ID: DEV_BOT_ID });
  });

  it('checks ids and version before anything else, one line each', () => {
    let caught: unknown;
    try {
      placeholderValues({ BOT_ID: 'my-bot', TEAMS_APP_ID: 'app', APP_VERSION: '1.0' }, false);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PackageError);
    expect((caught as PackageError).lines).toEqual([
      'BOT_ID must be a GUID (the bot\'s Microsoft App ID), got "my-bot"',
      'TEAMS_APP_ID must be a GUID, got "app"',
      'APP_VERSION must be major.minor.patch (Teams accepts nothing else), got "1.0"',
    ]);
  });

  it('defaults the app id to the bot id and the version to package.json', () => {
    const pkg = JSON.parse(readFileSync(join(MANIFEST_DIR, '..', 'package.json'), 'utf8')) as { version: string };
    expect(placeholderValues({ BOT_ID: TEST_BOT_ID }, false)).toEqual({ BOT_ID: TEST_BOT_ID, TEAMS_APP_ID: TEST_BOT_ID, APP_VERSION: pkg.version });
  });

  it('fills strings only, so a value cannot break the JSON, and refuses unknown placeholders', () => {
    expect(fillPlaceholders({ a: ['x ${{V}} y', 3], b: { c: '${{V}}' } }, { V: '"}' })).toEqual({ a: ['x "} y', 3], b: { c: '"}' } });
    expect(() => fillPlaceholders({ domain: '${{BOT_DOMAIN}}' }, {})).toThrow('manifest template: no value for the placeholder ${{BOT_DOMAIN}}');
  });
});
