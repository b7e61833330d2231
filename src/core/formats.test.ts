import { fullFormats as ajvFullFormats } from "ajv-formats/dist/formats.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fullFormats, isDateTime } from "./formats.js";

const ajvDateTime = (ajvFullFormats["date-time"] as { validate: (value: string) => boolean }).validate;

/** Characters a date-time is made of, and the ones that change its meaning. */
const DATE_TIME_CHARS = "0123456789-:.TtZz+ \t";

describe("the date-time format check", () => {
  it.each([
    "2025-05-21T05:06:00Z",
    "2025-05-21T05:06:00.123Z",
    "2025-05-21T05:06:00.Z",
    "2025-05-21T05:06:00+09:00",
    "2025-05-21T05:06:00.5-23:59",
    "2025-05-21T05:06:00+24:00",
    "2025-05-21T05:06:00+09:60",
    "2025-05-21T05:06:00+0900",
    "2025-05-21T05:06:00",
    "2025-05-21t05:06:00z",
    "2025-05-21 05:06:00Z",
    "2024-02-29T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "1900-02-29T00:00:00Z",
    "2000-02-29T00:00:00Z",
    "0000-02-29T00:00:00Z",
    "2025-04-31T00:00:00Z",
    "2025-00-10T00:00:00Z",
    "2025-13-10T00:00:00Z",
    "2025-12-00T00:00:00Z",
    "2025-12-31T24:00:00Z",
    "2025-12-31T23:60:00Z",
    "2025-12-31T23:59:60Z",
    "2025-12-31T23:59:60.5Z",
    "2025-12-31T15:59:60-08:00",
    "2025-12-31T23:59:61Z",
    "2025-12-31T23:59:59ZZ",
    "2025-12-31T23:59:59Z ",
    "2025-12-31T23:59:59+09:00T",
    "２025-05-21T05:06:00Z",
    "",
  ])("answers %j as ajv-formats does", (text) => {
    expect(isDateTime(text)).toBe(ajvDateTime(text));
  });

  it("answers every string of date-time characters as ajv-formats does", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...DATE_TIME_CHARS), maxLength: 32 }), (text) => {
        expect(isDateTime(text)).toBe(ajvDateTime(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it("answers every near miss of a valid date-time as ajv-formats does", () => {
    const part = (max: number, width: number) =>
      fc.integer({ min: 0, max }).map((n) => String(n).padStart(width, "0"));
    const valid = fc
      .tuple(
        part(9999, 4),
        part(13, 2),
        part(32, 2),
        part(24, 2),
        part(60, 2),
        part(61, 2),
        fc.constantFrom("", ".0", ".123456", "."),
        fc.constantFrom("Z", "z", "+09:00", "-23:59", "+24:00", "+00:60", "+0900", ""),
      )
      .map(([y, mo, d, h, mi, s, fraction, zone]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${fraction}${zone}`);
    const mutated = fc
      .tuple(valid, fc.nat(), fc.constantFrom(...DATE_TIME_CHARS, "x", "", "00"))
      .map(([text, at, put]) => {
        const i = at % (text.length + 1);
        return text.slice(0, i) + put + text.slice(i + 1);
      });
    fc.assert(
      fc.property(fc.oneof(valid, mutated), (text) => {
        expect(isDateTime(text)).toBe(ajvDateTime(text));
      }),
      { numRuns: 50_000 },
    );
  });

  it("is the date-time the generated validators use, and every other format is ajv-formats'", () => {
    expect(fullFormats["date-time"]).toMatchObject({ validate: isDateTime });
    for (const name of Object.keys(ajvFullFormats).filter((n) => n !== "date-time")) {
      expect(fullFormats[name as keyof typeof fullFormats]).toBe(
        ajvFullFormats[name as keyof typeof ajvFullFormats],
      );
    }
  });
});
