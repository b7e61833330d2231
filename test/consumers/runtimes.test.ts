// The packed tarball under each server-side runtime the package claims: the clients (JSON reply,
// stream, typed error) against a loopback vendor, the Cavuer identity helpers (WebCrypto),
// createAgentHandler and the ChatAIBot webhook receiver, by one consumer script (app/main.js).
// Node runs it always; Bun and Deno run it where scripts/install-runtimes put them (as .ci/run
// does), else they skip saying so.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ConsumerProject,
  consumerUnavailable,
  repoRoot,
  sharedConsumerProject,
} from "./consumer-project.js";
import {
  MISSING_AGENT_MESSAGE,
  startVendorServer,
  VENDOR_CHUNKS,
  VENDOR_REPLY,
  type VendorServer,
} from "./vendor-server.js";

const run = promisify(execFile);
const installed = join(repoRoot, ".tmp/runtimes/js/node_modules/.bin");

interface Runtime {
  name: string;
  bin: string;
  /** Arguments before the script; Deno gets loopback network and read access only. */
  args: string[];
}
const runtimes: Runtime[] = [
  { name: "Node", bin: process.execPath, args: [] },
  { name: "Bun", bin: process.env.BUN_BIN ?? join(installed, "bun"), args: ["run"] },
  {
    name: "Deno",
    bin: process.env.DENO_BIN ?? join(installed, "deno"),
    args: ["run", "--no-lock", "--allow-net=127.0.0.1", "--allow-read", "--allow-env"],
  },
];

function unavailable(runtime: Runtime): string | undefined {
  if (consumerUnavailable) return consumerUnavailable;
  if (!existsSync(runtime.bin))
    return `no ${runtime.name} at ${runtime.bin}; run scripts/install-runtimes (as .ci/run does)`;
  return undefined;
}
for (const runtime of runtimes) {
  const reason = unavailable(runtime);
  if (reason) console.warn(`runtimes: ${runtime.name} skipped because ${reason}`);
}

const expectedHash = createHmac("sha256", "widget-secret").update("user-42").digest("hex");

describe.skipIf(consumerUnavailable)("the packed tarball under each runtime", () => {
  let project: ConsumerProject;
  let vendor: VendorServer;
  beforeAll(async () => {
    [project, vendor] = await Promise.all([sharedConsumerProject(), startVendorServer()]);
  }, 180_000);
  afterAll(async () => {
    await vendor?.close();
  });

  it("a CommonJS module on this Node can require() every entry point of the ESM-only package", async () => {
    const subpaths = ["", "/cavuer", "/fifthelement", "/caac", "/chataibot", "/caac-agent", "/mock"];
    const script = `console.log(JSON.stringify(${JSON.stringify(subpaths)}.map((s) => Object.keys(require("chat-agent-apis" + s)).length > 0)))`;
    const { stdout } = await run(process.execPath, ["--input-type=commonjs", "-e", script], {
      cwd: project.dir,
    });
    expect(JSON.parse(stdout)).toEqual(subpaths.map(() => true));
  });

  for (const runtime of runtimes) {
    it.skipIf(unavailable(runtime))(
      `${runtime.name} runs the clients, the identity helpers, createAgentHandler and the webhook receiver`,
      async () => {
        const { stdout } = await run(runtime.bin, [...runtime.args, "main.js", vendor.url], {
          cwd: project.dir,
          env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
        });
        const result = JSON.parse(stdout.trim().split("\n").pop() ?? "");
        expect(result).toEqual({
          clients: {
            reply: VENDOR_REPLY,
            chunks: VENDOR_CHUNKS,
            error: {
              isNotFoundError: true,
              name: "NotFoundError",
              status: 404,
              message: expect.stringContaining(MISSING_AGENT_MESSAGE),
            },
            userHash: expectedHash,
            verifies: true,
            rejectsForgery: true,
          },
          agentHandler: { ok: [200, { reply_text: "hello from the agent" }], bad: 400 },
          webhookHandler: {
            handshake: [200, { token: "whk_consumer_token" }],
            wrongToken: 401,
            delivery: [200, { ok: true, received: 1 }],
            received: [["status_change", false]],
          },
        });
        expect(vendor.requests.at(-1)?.authorization).toBe("Bearer fe_consumer_key");
      },
      60_000,
    );
  }
});
