/** Checks of helper input that throw `ValidationError` before any request is sent. */
import { ValidationError } from "./errors.js";

/** Asserts `value` is a string with at least one non-space character; returns it. */
export function requireString(field: string, value: unknown): string {
  if (value === undefined || value === null) throw new ValidationError(field, "required");
  if (typeof value !== "string") throw new ValidationError(field, `must be a string, got ${typeof value}`);
  if (value.trim() === "") throw new ValidationError(field, "must not be empty");
  return value;
}

/** Asserts `value` is present (not `undefined` or `null`); returns it. */
export function requireValue<T>(field: string, value: T | null | undefined): T {
  if (value === undefined || value === null) throw new ValidationError(field, "required");
  return value;
}

/** Asserts `value` is an integer in `[min, max]`; returns it. */
export function requireIntegerInRange(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ValidationError(field, `must be an integer between ${min} and ${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
