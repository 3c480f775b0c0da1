import rule from '../../src/rules/apim-024-https-only-apis.js';
import { apimService, apimV2Service, childOf, type Raw } from '../support/fixtures.js';
import { ruleTester } from '../support/rule-tester.js';

const API_TYPE = 'Microsoft.ApiManagement/service/apis';
const service = apimService();

function api(name: string, properties: Raw | null): Raw {
  return childOf(service, `apis/${name}`, API_TYPE, properties);
}

function rest(name: string, protocols: unknown): Raw {
  return api(name, { displayName: name, path: name, protocols });
}

/** Names that an object-literal lookup table would find on Object.prototype; none is a protocol. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', 'isPrototypeOf'];

ruleTester.run(rule, {
  pass: [
    { name: 'BasicV2: same verdict as a classic tier', resources: [apimV2Service('BasicV2'), rest('orders', ['https'])], reason: "API 'orders' accepts only https." },
    { name: 'PremiumV2: same verdict as a classic tier', resources: [apimV2Service('PremiumV2'), rest('orders', ['https'])], reason: "API 'orders' accepts only https." },
    { name: 'one API with https only', resources: [service, rest('orders', ['https'])], reason: "API 'orders' accepts only https." },
    { name: 'WebSocket API with wss only', resources: [service, api('chat', { type: 'websocket', path: 'chat', protocols: ['wss'] })] },
    {
      name: 'service collected with no APIs',
      resources: [{ ...service, resources: [] }],
      reason: 'The service has no APIs',
    },
    { name: 'protocols in upper case "HTTPS"', resources: [service, rest('orders', ['HTTPS'])] },
    { name: 'empty protocols list accepts no plain text', resources: [service, rest('orders', [])], reason: 'lists no protocols' },
    {
      name: 'API without protocols next to an https API (absent one is not evaluated)',
      resources: [service, rest('orders', ['https']), api('legacy', { path: 'legacy' })],
    },
  ],
  fail: [
    {
      name: 'StandardV2: same verdict as a classic tier',
      resources: [apimV2Service('StandardV2'), rest('orders', ['https', 'http'])],
      reason: "API 'orders' accepts http.",
      evidence: [{ path: 'apis/orders: properties.protocols', actual: ['https', 'http'], expected: ['https'] }],
    },
    {
      name: 'API accepts http and https',
      resources: [service, rest('orders', ['https', 'http'])],
      reason: "API 'orders' accepts http.",
      evidence: [{ path: 'apis/orders: properties.protocols', actual: ['https', 'http'], expected: ['https'] }],
    },
    {
      name: 'WebSocket API accepts ws (Azure Policy, not PSRule)',
      resources: [service, api('chat', { type: 'websocket', path: 'chat', protocols: ['ws'] })],
      reason: "API 'chat' accepts ws.",
      evidence: [{ path: 'apis/chat: properties.protocols', actual: ['ws'], expected: ['wss'] }],
    },
    {
      name: 'upper-case "HTTP" is caught',
      resources: [service, rest('orders', ['HTTP'])],
      evidence: [{ path: 'apis/orders: properties.protocols', actual: ['HTTP'], expected: ['https'] }],
    },
    {
      name: 'mixed APIs: only the plain-text ones fail',
      resources: [
        service,
        rest('orders', ['https']),
        rest('legacy', ['http']),
        api('chat', { type: 'websocket', path: 'chat', protocols: ['ws', 'wss'] }),
        api('no-protocols', { path: 'x' }),
      ],
      failing: ['legacy', 'chat'],
      evidence: [
        { path: 'apis/legacy: properties.protocols', actual: ['http'], expected: ['https'] },
        { path: 'apis/chat: properties.protocols', actual: ['ws', 'wss'], expected: ['wss'] },
      ],
    },
    ...PROTOTYPE_NAMES.map((protocol) => ({
      name: `protocol named "${protocol}" next to https fails, never read as https or as a lookup hit`,
      resources: [service, rest('orders', ['https', protocol])],
      reason: `API 'orders' lists "${protocol}", which is neither https nor wss.`,
      evidence: [{ path: 'apis/orders: properties.protocols', actual: ['https', protocol], expected: ['https'] }],
    })),
    {
      name: 'unknown names and http together name both problems',
      resources: [service, rest('orders', ['http', 'ftp', ' Constructor '])],
      reason: `API 'orders' accepts http and lists "ftp", " Constructor ", which are neither https nor wss.`,
      evidence: [{ path: 'apis/orders: properties.protocols', expected: ['https'] }],
    },
    {
      name: 'API accepting both http and ws names both',
      resources: [service, rest('both', ['http', 'ws'])],
      reason: "API 'both' accepts http and ws.",
      evidence: [{ path: 'apis/both: properties.protocols', expected: ['https', 'wss'] }],
    },
  ],
  notApplicable: [
    {
      name: 'only API has no protocols property',
      resources: [service, api('orders', { path: 'orders' })],
      reason: "API 'orders' does not report properties.protocols",
    },
    { name: 'protocols is null', resources: [service, rest('orders', null)], reason: 'not evaluated' },
  ],
  notChecked: [
    { name: 'APIs not collected', resources: [service], reason: 'needs APIs' },
  ],
  error: [
    { name: 'API with null properties', resources: [service, api('orders', null)], reason: 'properties is null' },
    { name: 'protocols is a string, not a list', resources: [service, rest('orders', 'https')], reason: 'not a list of protocol names' },
  ],
  fix: [
    {
      name: 'http and https: http is replaced, nothing else changes',
      resources: [service, rest('orders', ['https', 'http'])],
      summary: "Make API 'orders' of service 'apim-test' accept only https.",
      request: { method: 'PATCH', path: '/apis/orders', apiVersion: '2024-05-01', headers: undefined, body: { properties: { protocols: ['https'] } } },
      changes: [{ path: 'apis/orders: properties.protocols', before: ['https', 'http'], after: ['https'] }],
      preconditions: [
        { description: "The ETag of API 'orders' was read", satisfied: false, detail: 're-reads the resource before applying' },
        { description: "No caller of API 'orders' uses http", satisfied: false, detail: 'Url starts with http://) that no caller still uses http, or move those callers to https first' },
      ],
    },
    {
      name: 'the ETag read with the API is sent as If-Match',
      resources: [service, { ...rest('orders', ['https', 'http']), etag: 'AAAAAAAAB4E=' }],
      request: { path: '/apis/orders', headers: { 'If-Match': '"AAAAAAAAB4E="' }, body: { properties: { protocols: ['https'] } } },
      preconditions: [{ description: "The ETag of API 'orders' was read", satisfied: true, detail: 'If-Match "AAAAAAAAB4E="' }],
    },
    {
      name: 'a prototype name is dropped, never mapped through a lookup table',
      resources: [service, rest('orders', ['constructor', 'https', 'toString'])],
      request: { body: { properties: { protocols: ['https'] } } },
      changes: [{ path: 'apis/orders: properties.protocols', before: ['constructor', 'https', 'toString'], after: ['https'] }],
    },
    {
      name: 'nothing left after dropping unknown names: https, or wss for a WebSocket API',
      resources: [service, rest('orders', ['__proto__']), api('chat', { type: 'websocket', path: 'chat', protocols: ['valueOf'] })],
      resource: 'chat',
      changes: [{ path: 'apis/chat: properties.protocols', before: ['valueOf'], after: ['wss'] }],
    },
    {
      name: 'WebSocket API: ws becomes wss',
      resources: [service, api('chat', { type: 'websocket', path: 'chat', protocols: ['ws'] })],
      request: { path: '/apis/chat', body: { properties: { protocols: ['wss'] } } },
      changes: [{ path: 'apis/chat: properties.protocols', before: ['ws'], after: ['wss'] }],
    },
    {
      name: 'http and ws on one API: both replaced, order kept',
      resources: [service, rest('both', ['http', 'ws'])],
      request: { body: { properties: { protocols: ['https', 'wss'] } } },
      preconditions: [{ description: "No caller of API 'both' uses http or ws", satisfied: false, detail: 'http:// or ws://' }],
    },
    {
      name: 'one of two failing APIs, chosen by name',
      resources: [service, rest('orders', ['https']), rest('legacy', ['HTTP']), api('chat', { type: 'websocket', path: 'chat', protocols: ['ws', 'wss'] })],
      resource: 'chat',
      request: { path: '/apis/chat', body: { properties: { protocols: ['wss'] } } },
    },
  ],
});
