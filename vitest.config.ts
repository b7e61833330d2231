import { configDefaults, defineConfig } from "vitest/config";

/** The files of `npm run contract` (scripts/contract runs this project alone). */
const CONTRACT_RUN = ["specs/**/*.test.ts", "contract-tests/**/*.test.ts", "test/static-checks.test.ts"];

export default defineConfig({
  test: {
    // Servers in tests bind 127.0.0.1 ports; two cores make more workers slower, not faster.
    maxWorkers: 2,
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // One Prism host for every test file's mocks and proxies (src/test-support/prism-host-setup.ts).
    globalSetup: ["src/test-support/prism-host-setup.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "contract",
          include: CONTRACT_RUN,
          // Worker threads that keep their modules from file to file: the spec bundles, the Ajv
          // schemas compiled from them and the clients load once per worker rather than once per
          // file, which halves the contract run's CPU (issue 17). Sound because no file here mocks
          // a module, fakes timers or stubs a global (contract-tests/isolation.test.ts fails if one does).
          pool: "threads",
          isolate: false,
        },
      },
      {
        extends: true,
        test: {
          name: "isolated",
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...CONTRACT_RUN],
        },
      },
    ],
  },
});
