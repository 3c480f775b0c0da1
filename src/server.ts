#!/usr/bin/env node
import restify from 'restify';
import { pino, type Logger } from 'pino';
import { createApiManagementClient } from './azure/clients.js';
import { connectTarget, type ConnectedTarget } from './azure/connect.js';
import { QuotaGate } from './azure/quota-gate.js';
import { createBotApp, type BotSettings } from './bot/app.js';
import { checkStartupPolicy } from './bot/startup-policy.js';
import { readJsonBody } from './http/json-body.js';
import { listen, parsePort, PortInUseError } from './http/ports.js';
import { AuditRunner } from './bot/audit-runner.js';
import { FixFlow, reconciledCard } from './bot/fix-flow.js';
import { RiskFlow } from './bot/risk-flow.js';
import { effectivePolicy, type RemediationPolicy } from './remediation/policy.js';
import { botLimitsFromEnv, DEFAULT_BOT_LIMITS, shareRetainedBytes, type BotLimits } from './bot/bot-limits.js';
import { RetainedAudits } from './bot/retained-audits.js';
import { loadConfig, type AppConfig } from './config.js';
import { reconcileInBackground } from './remediation/reconcile-at-start.js';
import { openStore, storeConfigFromEnv, type Store } from './store/index.js';
import { DigestScheduler } from './digest/digest-scheduler.js';
import { alertSender, digestSender } from './bot/digest-delivery.js';
import { runDueAlerts } from './digest/alert-runner.js';
import { renderDigestCard } from './digest/render-card.js';
import { changeCauses } from './digest/causes.js';
import { createRequire } from 'node:module';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

export interface ServerOptions {
  readonly port: number;
  readonly host: string;
  readonly config: AppConfig;
  readonly bot: BotSettings;
  readonly logger: Logger;
  /** Least time between progress edits of a card (tests shorten it). */
  readonly progressIntervalInMs?: number;
  /** Fair use and memory limits; the bot reads them from APIM_POSTURE_MAX_* variables. */
  readonly limits?: BotLimits;
  /** Durable state (src/store); `/healthz` reports whether it answers. */
  readonly store?: Store;
  /**
   * How often due alert audits are looked for, and the alert interval (instead of the configured
   * minutes): tests shorten both.
   */
  readonly alertTiming?: { readonly checkEveryInMs: number; readonly intervalInMs: number };
}

export interface RunningServer {
  readonly url: string;
  readonly target: ConnectedTarget;
  /** Stops taking requests, lets running audits finish (bounded), closes the sandbox. */
  close(): Promise<void>;
}

/**
 * The bot's HTTP server: POST /api/messages (Bot Framework; the path the Azure Bot resource's
 * messaging endpoint in infra/ points at) and GET /healthz. Audits run against the configured
 * target — the in-process sandbox unless Azure is configured.
 */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { logger } = options;
  // Refuse an unsafe configuration before anything starts (the sandbox included).
  checkStartupPolicy(options.bot, options.host, options.config.target.kind);
  const target = await connectTarget(options.config.target);
  const limits = options.limits ?? DEFAULT_BOT_LIMITS;
  const memory = shareRetainedBytes(limits.retainedBytes);
  // Audits and the re-reads of fixes share one Resource Graph quota.
  const gate = new QuotaGate();
  const runner = new AuditRunner({
    target: target.target,
    audit: options.config.audit,
    gate,
    version,
    now: () => new Date(),
    ...(options.progressIntervalInMs === undefined ? {} : { progressIntervalInMs: options.progressIntervalInMs }),
    fairUse: limits.fairUse,
    retained: new RetainedAudits({ maxBytes: memory.audits }),
    ...(options.store === undefined ? {} : { lastReports: options.store.lastReports, exemptions: options.store.exemptions, history: options.store.history }),
    ownerTags: options.config.digest.ownerTags,
  });
  const store = options.store;
  const remediation = effectivePolicy(options.config.remediation, options.config.target.kind, Object.keys(options.config.environments));
  // Applying fixes needs the store: single-use buttons, the audit trail and the per-service lease.
  const fixFlow =
    store === undefined
      ? undefined
      : new FixFlow({
          policy: remediation,
          dependencies: () => ({
            target: target.target,
            client: (subscription) => createApiManagementClient(target.target, subscription),
            policy: remediation,
            auditLog: store.auditLog,
            leases: store.leases,
            reread: { audit: options.config.audit, now: new Date(), version, gate },
          }),
          refs: store.buttonRefs,
          logger,
          now: () => new Date(),
          ruleOptions: options.config.audit.ruleOptions,
          armEndpoint: target.target.endpoint,
          ...(options.progressIntervalInMs === undefined ? {} : { progressIntervalInMs: options.progressIntervalInMs }),
        });
  const app = createBotApp(
    {
      settings: options.bot,
      runner,
      environments: options.config.environments,
      audit: options.config.audit,
      logger,
      refLimits: { maxBytes: memory.refs },
      sandbox: options.config.target.kind === 'sandbox',
      ...(store === undefined ? {} : { buttonStore: store.buttonRefs }),
    },
    store === undefined || fixFlow === undefined
      ? {}
      : {
          conversations: store.conversations,
          fixFlow,
          auditLog: store.auditLog,
          riskFlow: new RiskFlow({ policy: remediation, exemptions: store.exemptions, auditLog: store.auditLog, now: () => new Date(), maxDays: options.config.acceptRisk.maxDays }),
          subscriptions: store.subscriptions,
          digest: { store, configuredExemptions: options.config.audit.exemptions, slaDays: options.config.digest.slaDays, causesFor: changeCauses(target.target, gate, () => new Date()) },
        },
  );
  // Weekly digests need the store: its leases and idempotency keys make them once per period across instances.
  const digests =
    store === undefined
      ? undefined
      : new DigestScheduler({
          subscriptions: store.subscriptions,
          leases: store.leases,
          idempotency: store.idempotency,
          alertIntervalInMs: options.alertTiming?.intervalInMs ?? (options.config.digest.alertIntervalMinutes ?? DEFAULT_ALERT_INTERVAL_MINUTES) * 60_000,
          send: digestSender({
            conversations: store.conversations,
            sendProactive: (reference, card) => app.sendProactive(reference, card),
            detached: app.detachedCard,
            render: (subscription, details, rows) =>
              renderDigestCard(store, subscription.environment ?? 'prod', new Date(), {
                configuredExemptions: options.config.audit.exemptions,
                slaDays: options.config.digest.slaDays,
                causesFor: changeCauses(target.target, gate, () => new Date()),
                ...(details.late ? { late: { missedAt: details.scheduledFor.toISOString(), ...(subscription.timeZone === undefined ? {} : { timeZone: subscription.timeZone }) } } : {}),
                buttons: rows,
              }),
          }),
          logger,
        });
  // Alerts between digests: a scheduled audit per subscribed environment, paced by the shared quota gate.
  const alertTimer =
    store === undefined || digests === undefined
      ? undefined
      : setInterval(() => {
          void runDueAlerts(
            {
              alerts: { target: target.target, gate, audit: options.config.audit, environments: options.config.environments, history: store.history, exemptions: store.exemptions, version, now: () => new Date(), ownerTags: options.config.digest.ownerTags, warn: (message) => { logger.warn(message); } },
              leases: store.leases,
              idempotency: store.idempotency,
              due: (now) => digests.dueAlertAudits(now),
              markDone: (key) => digests.markAlertAuditDone(key),
              send: alertSender({ conversations: store.conversations, sendProactive: (reference, card) => app.sendProactive(reference, card), detached: app.detachedCard }),
              logger,
            },
            new Date(),
          ).catch((error: unknown) => { logger.warn({ err: error }, 'alerts run failed'); });
        }, options.alertTiming?.checkEveryInMs ?? ALERT_TICK_MS);
  alertTimer?.unref();
  // Expired buttons are deleted now and then, so the store does not grow with every card ever sent.
  const purge = options.store === undefined ? undefined : setInterval(() => void purgeButtons(options.store, logger), PURGE_EVERY_MS);
  purge?.unref();

  const server = restify.createServer({ name: 'apim-posture' });
  // No body parser plugin: it would accept multipart and form bodies from anyone and spool them to
  // disk. The one endpoint reads bounded JSON itself.
  server.post('/api/messages', async (req, res) => {
    const body = await readJsonBody(req);
    const answer = body.ok ? await app.handle({ body: body.body, authorization: authorizationOf(req.headers) }) : { status: body.status, body: { error: body.message } };
    res.status(answer.status);
    if (answer.body === undefined) res.end();
    else res.json(answer.body);
  });
  // Liveness only: nothing about the identity, the target or the tenant; the store by reachability alone.
  server.get('/healthz', async (_req, res) => {
    if (store === undefined) {
      res.json({ status: 'ok', version });
      return;
    }
    const reachable = await withTimeout(store.ping(), HEALTH_PING_MS).then(
      () => true,
      () => false,
    );
    res.status(reachable ? 200 : 503);
    res.json({ status: reachable ? 'ok' : 'degraded', version, store: reachable ? 'ok' : 'unreachable' });
  });
  try {
    // restify re-emits the HTTP server's errors on itself, where an unheard one would crash the process.
    await listen(server, options.port, options.host);
  } catch (error) {
    // Nothing may outlive a failed start: the in-process sandbox holds a socket of its own.
    if (purge !== undefined) clearInterval(purge);
    if (alertTimer !== undefined) clearInterval(alertTimer);
    await target.close();
    throw error;
  }
  const address = server.address();
  const url = `http://${options.host}:${address.port}`;
  if (store !== undefined) logger.info({ backend: store.backend, location: store.location }, 'store open');
  logger.info({ fixes: fixFlow === undefined ? 'plans only (no store)' : describePolicy(remediation) }, 'remediation');
  // Fixes a killed process left half-recorded are closed from a fresh read of Azure (src/remediation/reconcile.ts).
  const reconciler =
    store === undefined
      ? undefined
      : reconcileInBackground(
          {
            auditLog: store.auditLog,
            leases: store.leases,
            client: (subscription) => createApiManagementClient(target.target, subscription),
            // The fix's card said "Applying" when the process stopped; it now says how the fix ended.
            onClosed: async (closed) => {
              if (closed.card !== undefined) await app.updateCard(closed.card.conversationId, closed.card.activityId, reconciledCard(closed));
            },
          },
          logger,
        );
  digests?.start();
  logger.info({ url, target: target.target.label, authentication: options.bot.appId === '' ? 'anonymous (local)' : options.bot.appType }, 'bot listening');

  return {
    url,
    target,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
      if (purge !== undefined) clearInterval(purge);
      if (alertTimer !== undefined) clearInterval(alertTimer);
      await digests?.stop();
      await reconciler?.stop();
      await Promise.all([runner.drain(10_000), fixFlow?.drain(10_000)]);
      await target.close();
    },
  };
}

function authorizationOf(headers: Readonly<Record<string, string | string[] | undefined>>): string {
  const value = headers['authorization'];
  return typeof value === 'string' ? value : '';
}

/** Bot Framework settings from the usual variables; none set means local anonymous mode. */
export function botSettingsFromEnv(env: Readonly<Record<string, string | undefined>>): BotSettings {
  const appId = env['MicrosoftAppId'] ?? env['MICROSOFT_APP_ID'] ?? '';
  // No app id: local anonymous mode, which botbuilder only accepts with the multi-tenant type.
  const appType = env['MicrosoftAppType'] ?? env['MICROSOFT_APP_TYPE'] ?? (appId === '' ? 'MultiTenant' : 'SingleTenant');
  if (appType !== 'SingleTenant' && appType !== 'MultiTenant' && appType !== 'UserAssignedMSI') {
    throw new Error(`MicrosoftAppType must be SingleTenant, MultiTenant or UserAssignedMSI, not "${appType}"`);
  }
  const password = env['MicrosoftAppPassword'] ?? env['MICROSOFT_APP_PASSWORD'];
  const tenantId = env['MicrosoftAppTenantId'] ?? env['MICROSOFT_APP_TENANT_ID'];
  return {
    appId,
    appType,
    ...(password === undefined ? {} : { appPassword: password }),
    ...(tenantId === undefined ? {} : { tenantId }),
  };
}

const PURGE_EVERY_MS = 60 * 60 * 1000;

async function purgeButtons(store: Store | undefined, logger: Logger): Promise<void> {
  try {
    const purged = (await store?.buttonRefs.purgeExpired()) ?? 0;
    if (purged > 0) logger.info({ purged }, 'expired buttons deleted');
  } catch (error) {
    logger.warn({ err: error }, 'could not delete expired buttons');
  }
}

/** How often due alert audits are looked for (each environment's own interval decides when one runs). */
const ALERT_TICK_MS = 60_000;
/** Minutes between the alert audits of an environment, unless `digest.alertIntervalMinutes` says otherwise. */
const DEFAULT_ALERT_INTERVAL_MINUTES = 60;

/** How long /healthz waits for the store before calling it unreachable. */
const HEALTH_PING_MS = 3_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/** Where `npm start` listens unless PORT says otherwise. */
export const DEFAULT_PORT = 3978;

async function main(): Promise<void> {
  // restify 11 reaches for process.binding('http_parser') on Node 20+; the warning is theirs, not actionable here.
  process.noDeprecation = true;
  const logger = pino({ name: 'apim-posture', level: process.env['LOG_LEVEL'] ?? 'info' });
  let running: RunningServer;
  let port = DEFAULT_PORT;
  try {
    const config = await loadConfig(undefined, process.env);
    port = parsePort(process.env['PORT'], 'PORT', DEFAULT_PORT);
    // Fails fast with one line when the store is misconfigured or unreachable.
    const store = await openStore(storeConfigFromEnv(process.env), { warn: (message) => {
        logger.warn(message);
      } });
    running = await startServer({
      port,
      host: process.env['HOST'] ?? '127.0.0.1',
      config,
      bot: botSettingsFromEnv(process.env),
      limits: botLimitsFromEnv(process.env),
      logger,
      store,
    });
  } catch (error) {
    if (error instanceof PortInUseError) {
      // Usually a second `npm start`, or `npm run playground` already serving the bot: exit 2, a mistake in the call.
      process.stderr.write(
        `apim-posture bot: cannot start: ${error.message} (another npm start or npm run playground?); stop it, or set PORT to a free port: PORT=${port === 65_535 ? port - 1 : port + 1} npm start\n`,
      );
      process.exit(2);
    }
    process.stderr.write(`apim-posture bot: cannot start: ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : String(error)}\n`);
    process.exit(1);
  }
  process.stderr.write(
    [
      '',
      `APIM posture bot on ${running.url}/api/messages — auditing ${running.target.target.label}`,
      'Talk to it locally with Microsoft 365 Agents Playground:  npm run playground',
      'Then type: audit apim in prod · audit apim-payments-legacy · explain APIM-001 · rules · help',
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) process.exit(130);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => {
    stop('SIGINT');
  });
  process.once('SIGTERM', () => {
    stop('SIGTERM');
  });
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();

/** One line for the start-up log: where fixes may be applied, and whether that is the sandbox demo. */
function describePolicy(policy: RemediationPolicy): string {
  const environments = Object.entries(policy.environments);
  if (environments.length === 0) return 'not enabled anywhere (no remediation configuration)';
  if (environments.every(([, rules]) => rules.anyone === true)) return `sandbox demo: anyone may apply in ${environments.map(([name]) => name).join(', ')}; production waits for a second person`;
  return `enabled for ${environments.map(([name]) => name).join(', ')}`;
}
