import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "src/**/*.test.ts",
      "specs/**/*.test.ts",
      "contract-tests/**/*.test.ts",
      "scripts/**/*.test.ts",
      "test/**/*.test.ts",
    ],
    // Servers in tests bind 127.0.0.1 ports; two cores make more workers slower, not faster.
    maxWorkers: 2,
    // One Prism host for every test file's mocks and proxies (src/test-support/prism-host-setup.ts).
    globalSetup: ["src/test-support/prism-host-setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
