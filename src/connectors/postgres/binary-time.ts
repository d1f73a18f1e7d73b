/** Calendar arithmetic for PostgreSQL's binary dates and timestamps (days and microseconds since 2000-01-01). */

/** 1970-01-01 to 2000-01-01. */
const EPOCH_2000_DAYS = 10_957;

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const monthDays = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real Gregorian date of years 1-9999 (no zero year, month or day, no February 30). */
export function validDate(y: number, m: number, d: number): boolean {
  if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1) return false;
  return d <= (m === 2 && isLeap(y) ? 29 : monthDays[m]!);
}

/** Days from 2000-01-01 to the date (proleptic Gregorian; H. Hinnant's days_from_civil). */
export function daysSince2000(y: number, m: number, d: number): number {
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468 - EPOCH_2000_DAYS;
}
