/**
 * The ISO 8601 week of a time, in UTC: `2026-W49`. Weeks start on Monday, and week 1 is the one
 * with the year's first Thursday, so the last days of December can belong to next year's week 1.
 */
export function isoWeek(time: Date): string {
  const day = new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), time.getUTCDate()));
  // The Thursday of this week decides the year.
  day.setUTCDate(day.getUTCDate() + 3 - ((day.getUTCDay() + 6) % 7));
  const year = day.getUTCFullYear();
  const week = 1 + Math.floor((day.getTime() - Date.UTC(year, 0, 1)) / (7 * 24 * 60 * 60 * 1000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}
