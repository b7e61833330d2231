// Two loopback servers on different ports are two origins: the redirect policy end to end, through
// the vendor clients, over real connections (docs/decisions/0007-redirects-and-credentials.md).
import type { IncomingMessage, ServerResponse } from "node:http";
import { describe, expect, it } from "vitest";
import { createCaacClient } from "../src/caac/index.js";
import { createCavuerClient } from "../src/cavuer/index.js";
import { APIConnectionError, APIRedirectError, createRuntimeFetch } from "../src/core/index.js";
import { createFifthElementClient } from "../src/fifthelement/index.js";
import { freePort } from "../src/mock/free-port.js";
import { useLoopbackServers } from "../src/test-support/loopback-server.js";

const KEY = "cav_live_REDIRECT_secret_0123456789";
const message = { chatId: "chat-1", content: { text: "Hello" } };

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

const serve = useLoopbackServers();

/** A loopback origin that records every request and answers with `respond`. */
async function origin(respond: (seen: Seen, res: ServerResponse, index: number) => void) {
  const seen: Seen[] = [];
  const url = await serve((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
    });
    req.on("end", () => {
      const entry = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body };
      seen.push(entry);
      respond(entry, res, seen.length - 1);
    });
  });
  return { url, seen };
}

function redirect(res: ServerResponse, status: number, location: string) {
  res.writeHead(status, { location });
  res.end();
}

/** An origin nobody listens on. */
async function refusedOrigin(): Promise<string> {
  return `http://127.0.0.1:${await freePort()}`;
}

describe("same-origin redirects are followed by the Fetch standard's method rules", () => {
  it("307 and 308 keep the method, the body and the key", async () => {
    for (const status of [307, 308]) {
      const a = await origin((seen, res) =>
        seen.url.startsWith("/custom/") ? redirect(res, status, "/moved/send") : res.end(),
      );
      await createCavuerClient({ apiKey: KEY, baseUrl: a.url }).sendMessage("chan", message);
      expect(a.seen.map((s) => [s.method, s.url, s.headers["x-cavuer-api-key"]])).toEqual([
        ["POST", "/custom/chan/send", KEY],
        ["POST", "/moved/send", KEY],
      ]);
      expect(JSON.parse(a.seen[1]?.body ?? "")).toEqual(message);
    }
  });

  it.each([301, 302, 303])(
    "%i turns a POST into a body-less GET, which sendMessage never takes as delivered",
    async (status) => {
      const a = await origin((seen, res) =>
        seen.method === "POST" ? redirect(res, status, "/elsewhere") : res.end("ok"),
      );
      const error: unknown = await createCavuerClient({ apiKey: KEY, baseUrl: a.url })
        .sendMessage("chan", message)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIRedirectError);
      expect((error as APIRedirectError).reason).toBe("method-changed");
      expect(String(error)).toMatch(new RegExp(`POST was redirected \\(${status}\\) and became GET`));
      expect(a.seen.map((s) => [s.method, s.url, s.body, s.headers["content-type"]])).toEqual([
        ["POST", "/custom/chan/send", JSON.stringify(message), "application/json"],
        ["GET", "/elsewhere", "", undefined],
      ]);
    },
  );

  it("follows a GET through 301 and 303, and stops a loop at maxRedirects", async () => {
    const a = await origin((seen, res, index) =>
      seen.url.startsWith("/loop")
        ? redirect(res, 302, `/loop${index}`)
        : seen.url.includes("channels")
          ? redirect(res, 301, "/step")
          : seen.url === "/step"
            ? redirect(res, 303, "/final")
            : res.end(JSON.stringify({ channels: [{ id: 1 }], cursor: {} })),
    );
    const ids: unknown[] = [];
    for await (const channel of createCaacClient({ apiKey: KEY, baseUrl: a.url }).iterateChannels()) {
      ids.push(channel.id);
    }
    expect(ids).toEqual([1]);
    expect(a.seen.map((s) => s.url)).toEqual(["/openapi/v2/channels", "/step", "/final"]);

    const runtime = createRuntimeFetch({ maxRetries: 0 });
    const loop = await runtime(`${a.url}/loop`).catch((e: unknown) => e);
    expect(loop).toBeInstanceOf(APIRedirectError);
    expect((loop as APIRedirectError).reason).toBe("too-many");
    expect(a.seen.filter((s) => s.url.startsWith("/loop"))).toHaveLength(6); // the first + 5 redirects
    const none = await createRuntimeFetch({ maxRedirects: 0 })(`${a.url}/loop`).catch((e: unknown) => e);
    expect((none as APIRedirectError).reason).toBe("too-many");
  });
});

describe("a cross-origin redirect never carries credentials", () => {
  it.each([301, 302, 303, 307, 308])(
    "is refused by default on %i, naming the target origin, and the other origin sees nothing",
    async (status) => {
      const b = await origin((_seen, res) => res.end());
      const a = await origin((_seen, res) => redirect(res, status, `${b.url}/steal?x=1`));
      const error: unknown = await createCavuerClient({ apiKey: KEY, baseUrl: a.url })
        .sendMessage("chan", message)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIRedirectError);
      expect(error).toMatchObject({ reason: "cross-origin", status, targetOrigin: b.url });
      expect(String(error)).toContain(b.url);
      expect(String(error)).not.toContain("steal?x");
      expect(b.seen).toEqual([]);
      expect(a.seen).toHaveLength(1); // not retried either
      const caac = createCaacClient({ apiKey: KEY, baseUrl: a.url });
      await expect(caac.iterateUsers().next()).rejects.toBeInstanceOf(APIRedirectError);
      expect(b.seen).toEqual([]);
    },
  );

  it("treats another host on the same port, and another scheme, as another origin", async () => {
    const a = await origin((_seen, res) => redirect(res, 307, "http://localhost:1/x"));
    const port = new URL(a.url).port;
    const sameHostOtherName = await origin((_seen, res) => redirect(res, 307, `http://localhost:${port}/x`));
    for (const base of [a.url, sameHostOtherName.url]) {
      const error: unknown = await createCavuerClient({ apiKey: KEY, baseUrl: base })
        .sendMessage("chan", message)
        .catch((e: unknown) => e);
      expect((error as APIRedirectError).reason).toBe("cross-origin");
    }
    const https = await origin((_seen, res) => redirect(res, 308, `https://127.0.0.1:${port}/x`));
    const error: unknown = await createCaacClient({ apiKey: KEY, baseUrl: https.url })
      .iterateTeams()
      .next()
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "cross-origin", targetOrigin: `https://127.0.0.1:${port}` });
  });

  it("with follow-without-credentials, follows 307 with the body but without any credential header", async () => {
    // a → b → back to a: credentials stay dropped on the way back too.
    const a = await origin((seen, res) =>
      seen.url === "/back" ? res.end() : redirect(res, 307, `${b.url}/target`),
    );
    const b = await origin((_seen, res) => redirect(res, 307, `${a.url}/back`));
    const client = createCavuerClient({
      apiKey: KEY,
      baseUrl: a.url,
      crossOriginRedirects: "follow-without-credentials",
      headers: { "x-custom-auth": `Token ${KEY}`, "x-trace": "t1", cookie: "session=1" },
    });
    await client.sendMessage("chan", message, { headers: { authorization: "Bearer other-token-123" } });
    expect(a.seen[0]?.headers["x-cavuer-api-key"]).toBe(KEY);
    const [toB, backToA] = [b.seen[0], a.seen[1]];
    expect([toB?.url, backToA?.url]).toEqual(["/target", "/back"]);
    for (const hop of [toB, backToA]) {
      expect(hop?.method).toBe("POST");
      expect(hop?.headers["x-cavuer-api-key"]).toBeUndefined();
      expect(hop?.headers["x-custom-auth"]).toBeUndefined();
      expect(hop?.headers.authorization).toBeUndefined();
      expect(hop?.headers.cookie).toBeUndefined();
      expect(hop?.headers["x-trace"]).toBe("t1");
      expect(JSON.parse(hop?.body ?? "")).toEqual(message);
      expect(JSON.stringify(hop?.headers)).not.toContain(KEY.slice(0, 8));
    }
  });

  it("still refuses to take a POST turned GET by a cross-origin 303 as delivered", async () => {
    const b = await origin((_seen, res) => res.end("ok"));
    const a = await origin((_seen, res) => redirect(res, 303, `${b.url}/done`));
    const client = createCavuerClient({
      apiKey: KEY,
      baseUrl: a.url,
      crossOriginRedirects: "follow-without-credentials",
    });
    const error: unknown = await client.sendMessage("chan", message).catch((e: unknown) => e);
    expect(error).toMatchObject({ reason: "method-changed", status: 303 });
    expect(b.seen.map((s) => [s.method, s.headers["x-cavuer-api-key"]])).toEqual([["GET", undefined]]);
  });
});

describe("a POST whose redirect was answered is never sent again", () => {
  it("when the redirect target refuses the connection, even with retryNonIdempotent", async () => {
    const dead = await refusedOrigin();
    for (const retryNonIdempotent of [false, true]) {
      const a = await origin((_seen, res) => redirect(res, 307, `${dead}/gone`));
      const client = createCavuerClient({
        apiKey: KEY,
        baseUrl: a.url,
        crossOriginRedirects: "follow-without-credentials",
        retryNonIdempotent,
      });
      const error: unknown = await client.sendMessage("chan", message).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(APIConnectionError);
      // The failure names the redirect's target, not the origin that answered.
      expect((error as Error).message).toContain(`Cavuer at ${new URL(dead).host} (ECONNREFUSED)`);
      expect(a.seen).toHaveLength(1);
    }
  });

  it("when the same-origin target answers 429 or 503", async () => {
    for (const status of [429, 503]) {
      const a = await origin((seen, res) => {
        if (seen.url !== "/retry-me") return redirect(res, 307, "/retry-me");
        res.writeHead(status, { "retry-after": "0", "x-should-retry": "true" });
        res.end();
      });
      const fe = createFifthElementClient({ apiKey: KEY, baseUrl: a.url, retryNonIdempotent: true });
      await expect(fe.chat("bot", { message: "hi" })).rejects.toMatchObject({ status });
      expect(a.seen.map((s) => s.url)).toEqual(["/chat/bot", "/retry-me"]);
      const cavuer = createCavuerClient({ apiKey: KEY, baseUrl: a.url });
      await expect(cavuer.sendMessage("chan", message)).rejects.toMatchObject({ status });
      expect(a.seen.map((s) => s.url)).toEqual(["/chat/bot", "/retry-me", "/custom/chan/send", "/retry-me"]);
    }
  });

  it("while a GET is retried as usual", async () => {
    const a = await origin((seen, res, index) =>
      seen.url === "/openapi/v2/teams"
        ? redirect(res, 302, "/teams2")
        : index < 3
          ? res.writeHead(503).end()
          : res.end('{"teams":[]}'),
    );
    const caac = createCaacClient({ apiKey: KEY, baseUrl: a.url });
    await expect(caac.iterateTeams().next()).resolves.toEqual({ done: true, value: undefined });
  });
});
