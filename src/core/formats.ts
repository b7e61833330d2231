// The format checkers the generated validators use: ajv-formats' `fullFormats`, with a fast path
// in front of `date-time`. ajv-formats checks a date-time by splitting it on a regular expression
// and running two more (about 0.6 µs on a fresh string, once per message of every agent request:
// the largest part of the strict request check in a profile). The fast path reads the one shape
// CAAC sends (`2025-05-21T05:06:00Z`, optionally with a fraction or a `±hh:mm` offset) by
// character codes and answers only `true`, and only where ajv-formats answers `true` too; every
// other string goes to ajv-formats' own checker, so every answer is ajv-formats' answer.
import { fullFormats as ajvFullFormats } from "ajv-formats/dist/formats.js";

type FormatDefinition = { validate: (value: string) => boolean; compare?: unknown };

const ajvDateTime = ajvFullFormats["date-time"] as FormatDefinition;

/** Days per month of a common year (index 1–12). */
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The digit at `i`, or -1 for any other character. */
function digit(text: string, i: number): number {
  const code = text.charCodeAt(i) - 48;
  return code >= 0 && code <= 9 ? code : -1;
}

/** The two-digit number at `i`, or -1 unless both characters are digits. */
function twoDigits(text: string, i: number): number {
  const tens = digit(text, i);
  const ones = digit(text, i + 1);
  return tens < 0 || ones < 0 ? -1 : tens * 10 + ones;
}

/**
 * `true` only for `YYYY-MM-DDThh:mm:ss[.f+](Z|±hh:mm)` with a real calendar date, hours ≤ 23,
 * minutes and seconds ≤ 59, offset hours ≤ 23 and minutes ≤ 59: what ajv-formats accepts without
 * its leap-second rule. Such a string has one `T` and no other `t` or white space (ajv-formats'
 * split gives exactly the date and the time), its date matches `^(\d\d\d\d)-(\d\d)-(\d\d)$` with
 * the same month and day limits, and its time matches ajv-formats' time pattern with a zone, with
 * seconds below 60 (a fraction never reaches the next second). `false` means "not this shape".
 */
function isCommonDateTime(text: string): boolean {
  const length = text.length;
  if (length < 20) return false;
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 84) return false;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return false;
  const century = twoDigits(text, 0);
  const yearOfCentury = twoDigits(text, 2);
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  const hours = twoDigits(text, 11);
  const minutes = twoDigits(text, 14);
  const seconds = twoDigits(text, 17);
  if (century < 0 || yearOfCentury < 0 || month < 1 || month > 12 || day < 1) return false;
  if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return false;
  const year = century * 100 + yearOfCentury;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (month === 2 && leap ? 29 : (DAYS[month] as number))) return false;
  let at = 19;
  if (text.charCodeAt(at) === 46) {
    at++;
    const first = at;
    while (at < length && digit(text, at) >= 0) at++;
    if (at === first) return false;
  }
  if (at === length - 1) return text.charCodeAt(at) === 90;
  if (at !== length - 6) return false;
  const sign = text.charCodeAt(at);
  if ((sign !== 43 && sign !== 45) || text.charCodeAt(at + 3) !== 58) return false;
  const offsetHours = twoDigits(text, at + 1);
  const offsetMinutes = twoDigits(text, at + 4);
  return offsetHours >= 0 && offsetHours <= 23 && offsetMinutes >= 0 && offsetMinutes <= 59;
}

/** ajv-formats' `date-time` check (strict time zone), answered by the fast path where it can. */
export function isDateTime(text: string): boolean {
  return isCommonDateTime(text) || ajvDateTime.validate(text);
}

/** ajv-formats' `fullFormats` with the fast `date-time`: what generated/*.validators.ts import. */
export const fullFormats: typeof ajvFullFormats = {
  ...ajvFullFormats,
  "date-time": { ...ajvDateTime, validate: isDateTime } as (typeof ajvFullFormats)["date-time"],
};
