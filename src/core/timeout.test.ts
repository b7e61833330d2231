import { describe, expect, it } from "vitest";
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError } from "./errors.js";
import { abortableSleep, attemptSignal, toConnectionError } from "./timeout.js";

describe("attemptSignal", () => {
  it("aborts with a timeout after the deadline", async () => {
    const attempt = attemptSignal(undefined, 20);
    await new Promise((resolve) => attempt.signal.addEventListener("abort", resolve));
    expect(attempt.timedOut()).toBe(true);
    expect(attempt.signal.reason).toBeInstanceOf(APIConnectionTimeoutError);
  });

  it("follows the caller's signal, which is not a timeout", () => {
    const user = new AbortController();
    const attempt = attemptSignal(user.signal, 10_000);
    user.abort();
    expect(attempt.signal.aborted).toBe(true);
    expect(attempt.timedOut()).toBe(false);
    attempt.clear();
  });

  it("stops the deadline when cleared", async () => {
    const attempt = attemptSignal(undefined, 10);
    attempt.clear();
    await abortableSleep(30);
    expect(attempt.signal.aborted).toBe(false);
  });
});

describe("toConnectionError", () => {
  it("tells a user abort, a timeout and a connection failure apart", () => {
    const aborted = AbortSignal.abort();
    const cause = new TypeError("fetch failed");
    expect(toConnectionError(cause, aborted, false)).toBeInstanceOf(APIUserAbortError);
    expect(toConnectionError(cause, aborted, true)).toBeInstanceOf(APIUserAbortError);
    expect(toConnectionError(cause, undefined, true)).toBeInstanceOf(APIConnectionTimeoutError);
    const failed = toConnectionError(cause, undefined, false);
    expect(failed).toBeInstanceOf(APIConnectionError);
    expect(failed).not.toBeInstanceOf(APIConnectionTimeoutError);
    expect(failed.cause).toBe(cause);
  });
});

describe("abortableSleep", () => {
  it("rejects with APIUserAbortError when aborted while waiting", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(10_000, controller.signal);
    controller.abort();
    await expect(sleeping).rejects.toBeInstanceOf(APIUserAbortError);
    await expect(abortableSleep(10, AbortSignal.abort())).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
