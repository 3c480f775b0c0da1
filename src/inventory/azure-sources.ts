import { listArmJson } from '../azure/arm-raw.js';
import { createApiManagementClient, createResourceGraphClient, type ArmClient } from '../azure/clients.js';
import type { QuotaGate } from '../azure/quota-gate.js';
import type { RequestCounters } from '../azure/request-counters.js';
import type { AzureTarget } from '../azure/target.js';
import type { ArgPage, ArgPageRequest, InventorySources } from './sources.js';

/**
 * The inventory's reads sent through the real SDK clients: ARG through ResourceGraphClient (with
 * quota pacing), ARM collections through an ApiManagementClient per subscription (raw JSON through
 * its pipeline, so auth, retries and counters apply). The same code serves Azure and the sandbox.
 */
export function azureSources(target: AzureTarget, options: { gate: QuotaGate; counters?: RequestCounters }): InventorySources {
  const counters = options.counters === undefined ? {} : { counters: options.counters };
  const arg = createResourceGraphClient(target, { gate: options.gate, ...counters });
  const armClients = new Map<string, ArmClient>();
  const armFor = (subscriptionId: string): ArmClient => {
    let client = armClients.get(subscriptionId);
    if (client === undefined) {
      client = createApiManagementClient(target, subscriptionId, counters);
      armClients.set(subscriptionId, client);
    }
    return client;
  };
  return {
    async queryArgPage(request: ArgPageRequest, { abortSignal }): Promise<ArgPage> {
      const response = await arg.resources(
        {
          query: request.query,
          ...(request.subscriptions === undefined ? {} : { subscriptions: [...request.subscriptions] }),
          ...(request.managementGroups === undefined ? {} : { managementGroups: [...request.managementGroups] }),
          options: { top: request.top, resultFormat: 'objectArray', ...(request.skipToken === undefined ? {} : { skipToken: request.skipToken }) },
        },
        abortSignal === undefined ? {} : { abortSignal },
      );
      const rows: unknown = response.data;
      return {
        rows: Array.isArray(rows) ? (rows as unknown[]) : [],
        totalRecords: response.totalRecords,
        ...(response.skipToken === undefined ? {} : { skipToken: response.skipToken }),
      };
    },
    listArm(subscriptionId, path, apiVersion, { abortSignal }) {
      return listArmJson(armFor(subscriptionId), path, { apiVersion, ...(abortSignal === undefined ? {} : { abortSignal }) });
    },
  };
}
