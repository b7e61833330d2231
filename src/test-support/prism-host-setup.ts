// Vitest global setup: one Prism host for the whole run. Every test file's mocks and proxies
// (startMocks, startProxy) start their Prism servers in it, through CHAT_AGENT_APIS_PRISM_HOST,
// instead of loading Prism in a process of their own: loading Prism is ~1.4 s of CPU, a server
// in a loaded host ~0.1 s (issue 17). Each worker's servers still stop when the worker ends, since
// the host ties them to the worker's session. Tests of the mocks' own process lifecycle
// (src/mock/mock.test.ts, the consumer tests) clear the variable and start hosts of their own.
import { PRISM_HOST_ENV, type PrismHost, startPrismHost } from "../mock/prism.js";

let host: PrismHost | undefined;

export async function setup(): Promise<void> {
  host = await startPrismHost();
  // Workers are started after global setup and inherit this process's environment.
  process.env[PRISM_HOST_ENV] = host.control;
}

export async function teardown(): Promise<void> {
  delete process.env[PRISM_HOST_ENV];
  await host?.stop();
}
