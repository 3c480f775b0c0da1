/** The sandbox's public surface: start it, seed it, scale it (the `apim-posture sandbox` command is in src/cli). */
export { CLIENT_APPS, type ClientApp, type SandboxUser, sandboxUserCredential, sandboxUserToken } from './caller.js';
export type { FaultRule } from './faults.js';
export type { LroOptions } from './lro.js';
export { scaleEstate, type ScaleOptions } from './scale.js';
export { SEED_DATE, SEED_SUBSCRIPTIONS, SEED_TENANT_ID, seedEstate, seededServices } from './seed.js';
export { type RequestLogEntry, type Sandbox, type SandboxExchange, type SandboxOptions, startSandbox } from './server.js';
export { SandboxState } from './state.js';
export type { ArgQuotaOptions, ArmReadBudgetOptions } from './throttling.js';
export type { JsonObject, SandboxData, SandboxManagementGroup, SandboxSubscription } from './types.js';
