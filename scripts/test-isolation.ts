// Which test files can share a worker. Files in vitest's `contract` and `shared` projects run in
// worker threads that keep their modules from one file to the next (vitest.config.ts), which
// halves the CPU of loading specs, Ajv schemas and clients (issue 17). That is sound only for a
// file that changes nothing another file sees. These are the calls whose effect outlives the file
// that makes them; a test file that makes one runs in the `isolated` project instead, and
// contract-tests/isolation.test.ts fails when one appears in the contract run or its support code.

/** Calls that leak into later files of the same worker. */
export const LEAKY_CALLS: readonly RegExp[] = [
  /\bvi\.(mock|doMock|stubGlobal|stubEnv|useFakeTimers|spyOn)\(/,
  /\bprocess\.env(\.\w+|\[[^\]]+\])\s*=[^=]/,
  /\bdelete process\.env\b/,
  /\bprocess\.chdir\(/,
  /\bprocess\.on\(/,
  /\bprocess\.kill\(process\.pid/,
];

/** The leaky calls in `source`, as written there; empty when it can share a worker. */
export function leakyCalls(source: string): string[] {
  return LEAKY_CALLS.flatMap((pattern) => {
    const match = pattern.exec(source);
    return match ? [match[0]] : [];
  });
}
