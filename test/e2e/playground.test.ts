import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import { openStore } from '../../src/store/index.js';
import { REPO_ROOT } from '../support/cli.js';

/**
 * The real local Teams client: Microsoft 365 Agents Playground, driven headless by Playwright with
 * Debian's chromium. Type "audit apim in prod", see the findings card, click Fix, see its answer.
 * Screenshots land in e2e-artifacts/ (kept by CI logs, ignored by git).
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'e2e-artifacts');
const available = existsSync(CHROMIUM);
if (!available && process.env['CI'] === 'true') throw new Error(`CI needs Debian's chromium at ${CHROMIUM} (.ci/run installs it)`);
if (!available) console.warn(`SKIPPING the Agents Playground browser test: no chromium at ${CHROMIUM} (apt-get install chromium)`);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => {
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  });
}

describe.skipIf(!available)('Microsoft 365 Agents Playground + Playwright', () => {
  let bot: RunningServer;
  let playground: ChildProcess;
  let browser: Browser;
  let page: Page;
  let playgroundUrl = '';

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    bot = await startServer({
      port: 0,
      host: '127.0.0.1',
      config: await loadConfig(undefined, {}),
      bot: { appId: '', appType: 'MultiTenant' },
      logger: pino({ level: 'silent' }),
      progressIntervalInMs: 500,
      // With a store the bot applies fixes (the sandbox's demo policy: anyone, production approved by a second person).
      store: await openStore({ kind: 'file', directory: join(mkdtempSync(join(tmpdir(), 'apim-posture-test-')), 'data') }),
    });
    const port = await freePort();
    playgroundUrl = `http://localhost:${port}`;
    playground = spawn(process.execPath, [join(REPO_ROOT, 'node_modules', '@microsoft', 'm365agentsplayground', 'cli.js'), '-e', `${bot.url}/api/messages`, '-c', 'msteams', '-p', String(port)], {
      // Without this it runs xdg-open and exits on a headless machine.
      env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none', M365_AGENTS_PLAYGROUND_LOGFILE: join(ARTIFACTS, 'playground.log') },
      stdio: 'ignore',
    });
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        if ((await fetch(playgroundUrl)).ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error('Agents Playground did not start within 30 s');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(playgroundUrl);
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    playground.kill('SIGTERM');
    await bot.close();
  });

  it('audits prod, shows findings below the summary, answers Fix and Explain below the finding card, and keeps every card whole', async () => {
    // The sandbox banner is on the very first card.
    const banner = 'SANDBOX: a local emulator with made-up services';
    const composer = page.locator('div[role="textbox"][contenteditable="true"]').first();
    await composer.click();
    await page.keyboard.type('audit apim in prod');
    await page.keyboard.press('Enter');
    const summary = page.locator('.ac-adaptiveCard', { hasText: 'Scope: prod' }).last();
    await summary.waitFor({ timeout: 60_000 });
    await expect.poll(async () => summary.innerText(), { timeout: 30_000 }).toMatch(/score[\s\S]*payments-prod/);
    expect(await summary.innerText()).toContain(banner);
    await expect(summary.locator('text=' + banner).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, '1-summary.png'), fullPage: true });

    await summary.locator('button', { hasText: /^Show findings$/ }).click();
    const fixButton = page.locator('.ac-adaptiveCard button', { hasText: /^Fix$/ }).first();
    await fixButton.waitFor({ timeout: 30_000 });
    // The summary survived the click: scope, score and counts, now saying where the findings went.
    const summaryAfter = page.locator('.ac-adaptiveCard', { hasText: 'Findings are listed below' });
    await summaryAfter.waitFor({ timeout: 30_000 });
    const summaryText = await summaryAfter.innerText();
    for (const kept of ['Scope: prod', 'score', 'Critical', banner]) expect(summaryText).toContain(kept);
    await page.screenshot({ path: join(ARTIFACTS, '2-findings.png'), fullPage: true });
    await summaryAfter.screenshot({ path: join(ARTIFACTS, '2-summary-kept.png') });

    const findingCard = page.locator('.ac-adaptiveCard', { has: page.locator('button', { hasText: /^Fix$/ }) }).first();
    const findingBefore = await findingCard.innerText();
    await fixButton.click();
    const answer = page.locator('.ac-adaptiveCard', { hasText: 'Nothing has been changed yet' }).last();
    await answer.waitFor({ timeout: 30_000 });
    // Production: Apply would ask a second person; the confirmation says so before anything happens.
    expect(await answer.innerText()).toContain('Apply (ask for approval)');
    expect(await answer.innerText()).toMatch(/PATCH|PUT/);
    // The finding card the Fix sat on is unchanged, its buttons still there.
    const findingAfterFix = page.locator('.ac-adaptiveCard', { hasText: firstLine(findingBefore) }).first();
    expect(await findingAfterFix.innerText()).toBe(findingBefore);
    await page.screenshot({ path: join(ARTIFACTS, '3-fix-answer.png'), fullPage: true });
    await findingAfterFix.screenshot({ path: join(ARTIFACTS, '3-finding-kept.png') });

    await findingAfterFix.locator('button', { hasText: /^Explain$/ }).first().click();
    const explanation = page.locator('.ac-adaptiveCard', { hasText: 'Why it matters' }).last();
    await explanation.waitFor({ timeout: 30_000 });
    expect(await page.locator('.ac-adaptiveCard', { hasText: firstLine(findingBefore) }).first().innerText()).toBe(findingBefore);
    expect(await page.locator('.ac-adaptiveCard', { hasText: 'Findings are listed below' }).innerText()).toContain('Scope: prod');
    await page.screenshot({ path: join(ARTIFACTS, '4-explain.png'), fullPage: true });
    await page.locator('.ac-adaptiveCard', { hasText: 'Findings are listed below' }).screenshot({ path: join(ARTIFACTS, '4-summary-still-kept.png') });
  }, 180_000);

  it('fixes a finding in dev: Fix, Apply, verified; the next audit passes; Revert puts it back', async () => {
    const composer = page.locator('div[role="textbox"][contenteditable="true"]').first();
    const audit = async (): Promise<void> => {
      await composer.click();
      await page.keyboard.type('audit APIM-002 in dev');
      await page.keyboard.press('Enter');
    };
    await audit();
    const summary = page.locator('.ac-adaptiveCard', { hasText: 'Scope: dev' }).last();
    await expect.poll(async () => summary.innerText(), { timeout: 60_000 }).toMatch(/score/);
    await summary.locator('button', { hasText: /^Show findings$/ }).click();
    // The dev service's card: the prod cards of the first test carry APIM-002 findings too.
    const finding = page.locator('.ac-adaptiveCard', { hasText: 'apim-basic-dev', has: page.locator('button', { hasText: /^Fix$/ }) }).filter({ hasText: 'APIM-002' }).last();
    await finding.waitFor({ timeout: 30_000 });
    await finding.locator('button', { hasText: /^Fix$/ }).first().click();
    const confirmation = page.locator('.ac-adaptiveCard', { hasText: 'The change Apply makes' }).last();
    await confirmation.waitFor({ timeout: 30_000 });
    await page.screenshot({ path: join(ARTIFACTS, '5-confirmation.png'), fullPage: true });
    await confirmation.locator('button', { hasText: /^Apply$/ }).click();
    const verified = page.locator('.ac-adaptiveCard', { hasText: 'Verified: APIM-002 passes' }).last();
    await verified.waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, '6-verified.png'), fullPage: true });

    // The next audit of the same rule finds nothing to fix.
    await audit();
    const again = page.locator('.ac-adaptiveCard', { hasText: 'Scope: dev' }).last();
    await expect.poll(async () => again.innerText(), { timeout: 60_000 }).toMatch(/score/);
    expect(await again.locator('button', { hasText: /^Show findings$/ }).count()).toBe(0);
    await page.screenshot({ path: join(ARTIFACTS, '7-audit-passes.png'), fullPage: true });

    await verified.locator('button', { hasText: /^Revert$/ }).click();
    await page.locator('.ac-adaptiveCard', { hasText: 'Reverted: the values from before the fix are back' }).last().waitFor({ timeout: 60_000 });
    await page.screenshot({ path: join(ARTIFACTS, '8-reverted.png'), fullPage: true });
  }, 240_000);

  it('subscribes this chat to the prod digest and shows it now, from the history the prod audit recorded', async () => {
    const composer = page.locator('div[role="textbox"][contenteditable="true"]').first();
    const say = async (text: string): Promise<void> => {
      await composer.click();
      await page.keyboard.type(text);
      await page.keyboard.press('Enter');
    };
    await say('subscribe digest prod');
    await page.locator('.ac-adaptiveCard', { hasText: 'Subscribed: the weekly digest of prod' }).last().waitFor({ timeout: 30_000 });
    await say('digest now');
    const digest = page.locator('.ac-adaptiveCard', { hasText: 'APIM posture digest: prod' }).last();
    await digest.waitFor({ timeout: 30_000 });
    // The score the first test's audit recorded, and the way back to an audit.
    await expect.poll(async () => digest.innerText(), { timeout: 10_000 }).toMatch(/\d+\/100|score/i);
    expect(await digest.locator('button', { hasText: /^Audit now$/ }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, '9-digest-now.png'), fullPage: true });

    // Explain on a finding answers below, and the digest stays (it comes back from its kept copy).
    const digests = page.locator('.ac-adaptiveCard', { hasText: 'APIM posture digest: prod' });
    const before = await digests.count();
    const explain = digest.locator('button', { hasText: /^Explain APIM-\d{3}$/ }).first();
    const ruleId = (await explain.innerText()).replace('Explain ', '').trim();
    expect(await digest.locator('button', { hasText: /^Fix$/ }).count()).toBeGreaterThan(0);
    await explain.click();
    await page.locator('.ac-adaptiveCard', { hasText: 'Why it matters' }).filter({ hasText: ruleId }).last().waitFor({ timeout: 30_000 });
    await expect.poll(async () => digests.count(), { timeout: 10_000 }).toBe(before);
    expect(await digests.last().locator('button', { hasText: /^Audit now$/ }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, '10-digest-explained.png'), fullPage: true });
  }, 120_000);
});

/** A card's first lines (banner and service name) that tell it apart from the other cards. */
function firstLine(text: string): string {
  return text.split('\n').filter((line) => line.trim() !== '').slice(0, 3).join('\n').split('\n').at(-1) ?? text;
}
