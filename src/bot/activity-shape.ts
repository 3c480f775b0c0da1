import { z } from 'zod';

/**
 * The fields every activity the bot handles must carry, checked before botbuilder sees it:
 * botbuilder's own parse throws on a malformed body (a 500), and a turn without a conversation or
 * service URL fails later still. Anything else in the activity passes through untouched.
 */
/** An optional text field: absent or null is fine, anything but a string is not. */
const optionalText = z.string().nullish();
/**
 * Fields botbuilder copies into every reply (conversation, from → recipient, recipient → from,
 * locale, replyToId) and fields the handlers read (text, mention entities): a wrong type there
 * fails reply serialisation or the mention scan deep inside the turn, which would be a 500.
 */
const Account = { name: optionalText, aadObjectId: optionalText, role: optionalText };
const ActivityShape = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(1024).optional(),
  channelId: z.string().min(1).max(64),
  serviceUrl: z.string().min(1).max(2048),
  conversation: z.looseObject({ id: z.string().min(1).max(1024), isGroup: z.boolean().nullish(), conversationType: optionalText, tenantId: optionalText, ...Account }),
  from: z.looseObject({ id: z.string().min(1).max(1024), ...Account }),
  // botbuilder's mention scan reads recipient.id of every message.
  recipient: z.looseObject({ id: z.string().max(1024), ...Account }),
  text: optionalText,
  locale: optionalText,
  replyToId: optionalText,
  name: optionalText,
  // TurnContext.getMentions lower-cases every entity type and reads mentioned.id of every mention.
  entities: z
    .array(
      z
        .looseObject({ type: z.string(), text: optionalText, mentioned: z.looseObject({ id: optionalText, name: optionalText }).optional() })
        .refine((entity) => entity.type.toLowerCase() !== 'mention' || entity.mentioned !== undefined, 'a mention names no mentioned account'),
    )
    .optional(),
}).refine(
  // botbuilder reads value.action.type of every adaptiveCard/action invoke before any handler runs.
  (activity) => activity.type !== 'invoke' || activity.name !== 'adaptiveCard/action' || isRecord(activity['value']) && isRecord(activity['value']['action']),
  { error: 'an adaptiveCard/action invoke needs value.action', path: ['value'] },
);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export type CheckedActivity = z.infer<typeof ActivityShape>;

/** The activity, or the first problem with it in words (for a 400 answer and the log). */
export function checkActivity(body: unknown): { ok: true; activity: CheckedActivity } | { ok: false; problem: string } {
  const parsed = ActivityShape.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue === undefined || issue.path.length === 0 ? 'activity' : issue.path.join('.');
  return { ok: false, problem: `${path}: ${issue?.message ?? 'invalid'}` };
}

/** Connector hosts Teams and the Bot Framework reply through (public, GCC, GCC High, DoD, China). */
const CONNECTOR_HOSTS = [
  'smba.trafficmanager.net',
  '.botframework.com',
  '.teams.microsoft.com',
  '.teams.microsoft.us',
  '.botframework.azure.us',
  '.botframework.azure.cn',
];

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return LOOPBACK_HOSTS.has(name) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/**
 * Where the bot may send replies. The activity names its own `serviceUrl`, and the bot posts
 * replies there with its credentials (or, anonymously, to whatever it says), so an unchecked
 * value turns the bot into a request forwarder. With an app id: https connector hosts only (tests
 * add their local connector through `extraHosts`). Anonymous local mode: loopback only, which is
 * where Agents Playground listens.
 */
export function isAllowedServiceUrl(serviceUrl: string, mode: { readonly anonymous: boolean; readonly extraHosts?: readonly string[] }): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.username !== '' || url.password !== '') return false;
  const host = url.hostname.toLowerCase();
  if (mode.extraHosts?.some((extra) => extra.toLowerCase() === host) === true) return true;
  if (mode.anonymous) return (url.protocol === 'http:' || url.protocol === 'https:') && isLoopbackHost(host);
  // An entry with a leading dot admits its subdomains; one without, exactly that host.
  return url.protocol === 'https:' && CONNECTOR_HOSTS.some((entry) => (entry.startsWith('.') ? host.endsWith(entry) : host === entry));
}
