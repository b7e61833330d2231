import type { ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { useLoopbackServers } from "../../test-support/loopback-server.js";
import { type Probe, redactTokens, send, type Target } from "./exchange.js";

const serve = useLoopbackServers();
const TOKEN = "hostile-test-token-4b1e";
const probe: Probe = { group: "seed_accepted", label: "seed example", body: "{}", auth: "valid" };
const target = (url: string, overrides: Partial<Target> = {}): Target => ({
  fetch,
  url,
  token: TOKEN,
  wrongToken: "wrong-token",
  headers: {},
  deadlineSeconds: 5,
  maxResponseBytes: 64 * 1024,
  ...overrides,
});

describe("redactTokens", () => {
  it("replaces a secret where it stands alone, and leaves text that merely contains its characters", () => {
    expect(redactTokens("got 401", ["0"])).toBe("got 401");
    expect(redactTokens("token 0 echoed", ["0"])).toBe("token [token] echoed");
    expect(redactTokens(`{"t":"${TOKEN}"} Bearer ${TOKEN}`, [TOKEN])).toBe('{"t":"[token]"} Bearer [token]');
    expect(redactTokens("a.b*c", ["b*c", "a.b*c"])).toBe("[token]");
  });

  it("replaces a long secret even where a hostile server glued characters to it", () => {
    expect(redactTokens(`x${TOKEN}y and ${TOKEN}`, [TOKEN])).toBe("x[token]y and [token]");
    expect(redactTokens("xsecretsy", ["secrets"])).toBe("xsecretsy");
  });
});

describe("send against hostile servers", () => {
  it("stops reading an endpoint that streams forever at the cap, and closes the connection", async () => {
    let closed!: () => void;
    const socketClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    let written = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const chunk = Buffer.alloc(16 * 1024, "a");
      const pump = () => {
        while (!res.destroyed && written < 512 * 1024 * 1024 && res.write(chunk)) written += chunk.length;
        if (!res.destroyed) res.once("drain", pump);
      };
      res.on("close", closed);
      pump();
    });
    const exchange = await send(probe, target(url), [TOKEN]);
    expect(exchange.status).toBe(200);
    expect(exchange.error).toBe("answered 200 with a body over the 64 KiB cap; reading stopped there");
    expect(exchange.text).toBeUndefined();
    await socketClosed;
    // Socket buffers hold a few MB at most; an unbounded reader would have pulled far more.
    expect(written).toBeLessThan(32 * 1024 * 1024);
  }, 15_000);

  it("fails a huge declared body without buffering it", async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": 10_000_000 });
      res.end(Buffer.alloc(10_000_000, " "));
    });
    const exchange = await send(probe, target(url), [TOKEN]);
    expect(exchange.error).toMatch(/over the 64 KiB cap/);
  });

  it("reports a redirect to another origin without following it or sending it the token", async () => {
    const elsewhere: string[] = [];
    const other = await serve((req, res) => {
      elsewhere.push(String(req.headers.authorization));
      res.end("{}");
    });
    const url = await serve((_req, res) => {
      res.writeHead(307, { location: `${other}/steal` }).end();
    });
    const exchange = await send(probe, target(url), [TOKEN]);
    expect(exchange.status).toBe(307);
    expect(exchange.error).toBe(
      `answered 307 redirecting to "${other}/steal"; not followed (CAAC posts to the configured URL, and the token must not travel elsewhere): configure the final URL`,
    );
    expect(elsewhere).toEqual([]);
  });

  it("redacts a token the server echoes, before anything can truncate it", async () => {
    const url = await serve((req, res) => {
      res.writeHead(400, { "content-type": `text/plain; echo=${TOKEN}` });
      res.end(`${"x".repeat(110)} ${req.headers.authorization} ${req.headers["x-gateway-key"]}`);
    });
    const exchange = await send(probe, target(url, { headers: { "x-gateway-key": "gw-secret-1" } }), [
      TOKEN,
      "gw-secret-1",
    ]);
    expect(exchange.text).toBe(`${"x".repeat(110)} Bearer [token] [token]`);
    expect(exchange.responseType).toBe("text/plain; echo=[token]");
  });

  it("gives up on a slow drip at the deadline, even once the status has come", async () => {
    const responses: ServerResponse[] = [];
    const url = await serve((_req, res) => {
      responses.push(res);
      res.writeHead(200, { "content-type": "application/json" });
      res.write("{");
      const drip = setInterval(() => (res.destroyed ? clearInterval(drip) : res.write(" ")), 50);
    });
    const started = performance.now();
    const exchange = await send(probe, target(url, { deadlineSeconds: 0.4 }), [TOKEN]);
    expect(exchange.error).toBe("no answer within 0.4 s (status 200 came, the body did not finish)");
    // Bounded: the deadline, not the drip, ends the exchange (generous margin for a loaded machine).
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
