const BANNER_ID = 'sandbox-banner';

/**
 * The card with a banner on top saying that the estate is the local sandbox. A banner, not a grey
 * subtitle: findings from made-up services must never be mistaken for the real estate's.
 */
export function withSandboxBanner<T extends Record<string, unknown>>(card: T): T {
  const body: unknown = card['body'];
  if (!Array.isArray(body)) return card;
  if ((body[0] as { id?: unknown } | undefined)?.id === BANNER_ID) return card;
  const banner = {
    type: 'Container',
    id: BANNER_ID,
    style: 'warning',
    bleed: true,
    items: [
      {
        type: 'TextBlock',
        text: 'SANDBOX: a local emulator with made-up services, not your Azure estate',
        weight: 'Bolder',
        color: 'Warning',
        wrap: true,
      },
    ],
  };
  return { ...card, body: [banner, ...(body as unknown[])] };
}
