/** Bounds of what "Accept risk" in Teams may record; the configuration may shorten or lengthen the expiry window. */

/** How far ahead an exemption granted in Teams may expire when the configuration does not say (`acceptRisk.maxDays`). */
export const DEFAULT_MAX_EXEMPTION_DAYS = 90;
/** The longest expiry window the configuration may allow: a year, after which a risk is looked at again. */
export const MAX_EXEMPTION_DAYS = 366;
export const MAX_REASON_LENGTH = 500;
export const MAX_TICKET_LENGTH = 400;
