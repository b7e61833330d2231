// Runs only the reporter's fixtures (scripts/test-reporter.test.ts starts vitest on this config).
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: { root: import.meta.dirname, include: ["*.fixture.ts"], maxWorkers: 1 },
});
