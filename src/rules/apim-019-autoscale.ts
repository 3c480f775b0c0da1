import type { ApimService, ChildResource } from '../estate/model.js';
import { defineRule, error, evidence, fail, notApplicable, pass } from './define-rule.js';
import { collected, needsChildren } from './shared/children.js';
import { quoted } from './shared/text.js';
import { includesIgnoringCase, isFalseFlag, readField } from './shared/values.js';
import type { Evidence, Verdict } from './types.js';

/** Tiers whose unit count autoscale can change: Basic, Standard, Premium and their v2 counterparts. */
const SCALABLE_TIERS = ['Basic', 'Standard', 'Premium', 'BasicV2', 'StandardV2', 'PremiumV2'];

export default defineRule({
  meta: {
    id: 'APIM-019',
    title: 'An enabled autoscale setting targets the service',
    failureTitle: 'No enabled autoscale setting',
    severity: 'low',
    category: 'resilience',
    pillar: 'reliability',
    needs: ['autoscaleSettings'],
    fix: 'manual',
    sources: { aprl: ['c79680ea-de85-44fa-a596-f31fa17a952f'] },
    docs: {
      synopsis: 'Let Azure Monitor autoscale add and remove units of a Basic, Standard or Premium (classic or v2) service as the load changes.',
      description:
        'An API Management service on a classic or v2 tier has a fixed number of units unless an Azure Monitor autoscale setting changes it. Without autoscale, a traffic peak saturates the gateway (high capacity metric, slow responses, 5xx) until someone scales by hand, which takes 15 minutes or more per step; with it, units are added on a capacity threshold and removed when load falls.',
      recommendation:
        'Create an autoscale setting (microsoft.insights/autoscalesettings) whose targetResourceUri is the service id, with a minimum that keeps the zone layout intact (at least one unit per zone), a maximum within budget, and scale-out and scale-in rules on the Capacity metric.',
      howChecked:
        'Runs for sku.name Basic, Standard, Premium, BasicV2, StandardV2 or PremiumV2 (any casing). Reads the microsoft.insights/autoscalesettings resources linked to the service by properties.targetResourceUri (or nested in the service entry). Passes when at least one of them is enabled: properties.enabled true, or absent (Azure\'s default is enabled). Fails when there is none, or every one has properties.enabled false (those are listed as evidence). A setting without properties is an error and is never taken as enabled.',
      notApplicableWhen:
        'The service is on a tier without autoscale (Developer, Consumption), or the autoscale settings were not collected (they are separate resources in Azure Resource Graph that must be joined to the service).',
      examples: [
        {
          title: 'Azure CLI (2–6 units on the Capacity metric)',
          language: 'bash',
          code: [
            'id=$(az apim show -g <rg> -n <name> --query id -o tsv)',
            'az monitor autoscale create -g <rg> --resource "$id" --name apim-autoscale --min-count 2 --max-count 6 --count 2',
            'az monitor autoscale rule create -g <rg> --autoscale-name apim-autoscale --condition "Capacity > 70 avg 10m" --scale out 1',
            'az monitor autoscale rule create -g <rg> --autoscale-name apim-autoscale --condition "Capacity < 30 avg 30m" --scale in 1',
          ].join('\n'),
        },
        {
          title: 'ARM template (autoscale setting for the service)',
          language: 'json',
          code: JSON.stringify(
            {
              type: 'Microsoft.Insights/autoscalesettings',
              apiVersion: '2022-10-01',
              name: 'apim-autoscale',
              location: 'westeurope',
              properties: {
                enabled: true,
                targetResourceUri: "[resourceId('Microsoft.ApiManagement/service', '<name>')]",
                profiles: [
                  {
                    name: 'default',
                    capacity: { minimum: '2', maximum: '6', default: '2' },
                    rules: [
                      {
                        metricTrigger: {
                          metricName: 'Capacity',
                          metricResourceUri: "[resourceId('Microsoft.ApiManagement/service', '<name>')]",
                          timeGrain: 'PT1M',
                          statistic: 'Average',
                          timeWindow: 'PT10M',
                          timeAggregation: 'Average',
                          operator: 'GreaterThan',
                          threshold: 70,
                        },
                        scaleAction: { direction: 'Increase', type: 'ChangeCount', value: '1', cooldown: 'PT60M' },
                      },
                    ],
                  },
                ],
              },
            },
            null,
            2,
          ),
        },
      ],
      notes:
        'Scaling a unit takes 15–45 minutes, so autoscale smooths sustained load, not short bursts; use long cooldowns. Each unit is billed. Classic Basic and Standard have a unit limit (2 and 4), and the v2 tiers have limits of their own; on Premium keep the minimum at or above the number of zones so autoscale never leaves a zone empty (APIM-009). The rule only checks that an enabled setting exists, not that its rules are sensible (a minimum equal to the maximum never scales). APRL marks this check as "cannot be validated with ARG", but the settings are in the ARG resources table and can be joined on properties.targetResourceUri.',
      links: [
        { title: 'Automatically scale an Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/api-management-howto-autoscale' },
        { title: 'Upgrade and scale an Azure API Management instance', url: 'https://learn.microsoft.com/azure/api-management/upgrade-and-scale' },
        { title: 'Overview of autoscale in Azure', url: 'https://learn.microsoft.com/azure/azure-monitor/autoscale/autoscale-overview' },
      ],
    },
  },
  evaluate(service) {
    const tier = service.sku.name;
    if (!includesIgnoringCase(SCALABLE_TIERS, tier)) {
      return notApplicable(
        () => `Service '${service.name}' is on the ${tier ?? 'unknown'} tier; autoscale applies to the Basic, Standard and Premium tiers (classic and v2) only.`,
      );
    }
    const { missing } = collected(service, ['autoscaleSettings']);
    if (missing.length > 0) return needsChildren(missing, service);
    return judgeSettings(service, service.children.autoscaleSettings ?? []);
  },
});

function judgeSettings(service: ApimService, settings: readonly ChildResource[]): Verdict[] {
  const errors = settings.flatMap((setting) =>
    setting.problem === undefined ? [] : [error(() => `Autoscale setting '${setting.name}' of service '${service.name}' cannot be judged: ${setting.problem}.`, { resourceId: setting.id || service.id })],
  );
  const readable = settings.filter((setting) => setting.problem === undefined);
  const enabled = readable.filter((setting) => !isFalseFlag(readField(setting.properties, 'enabled')));
  if (enabled.length > 0) {
    return [
      pass(
        () => `Service '${service.name}' is autoscaled by ${quoted(enabled.map((setting) => setting.name))}.`,
        () => enabled.map((setting) => enabledEvidence(setting)),
      ),
      ...errors,
    ];
  }
  // An unreadable setting may be the enabled one: report it, but do not fail over it.
  if (errors.length > 0) return errors;
  if (readable.length === 0) {
    return [
      fail(() => `No autoscale setting targets service '${service.name}', so its unit count only changes by hand.`, () => [
        evidence('autoscaleSettings', [], `an enabled setting with properties.targetResourceUri = ${service.id}`, 'no microsoft.insights/autoscalesettings resource targets the service'),
      ]),
    ];
  }
  return [
    fail(
      () => `Every autoscale setting of service '${service.name}' is disabled (${quoted(readable.map((setting) => setting.name))}), so its unit count only changes by hand.`,
      () => readable.map((setting) => enabledEvidence(setting)),
    ),
  ];
}

function enabledEvidence(setting: ChildResource): Evidence {
  const path = `autoscaleSettings['${setting.name}'].properties.enabled`;
  const value = readField(setting.properties, 'enabled');
  return value === undefined || value === null
    ? evidence(path, undefined, true, 'absent — platform default: enabled')
    : evidence(path, value, true);
}
