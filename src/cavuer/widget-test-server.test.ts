import { createHmac } from "node:crypto";
import { request } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWidgetTestServer, type WidgetTestServer } from "./widget-test-server.js";

const SECRET = "sk_unit_test_secret_value";
const hmac = (userId: string, key = SECRET) => createHmac("sha256", key).update(userId).digest("hex");
const dataAttribute = (html: string, name: string) => new RegExp(`${name}="([^"]*)"`).exec(html)?.[1];

describe("startWidgetTestServer", () => {
  let server: WidgetTestServer;
  const bodies: string[] = [];
  const get = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${server.url}${path}`, init);
    const body = await response.text();
    bodies.push(body);
    return { status: response.status, headers: response.headers, body };
  };

  beforeAll(async () => {
    server = await startWidgetTestServer({ token: "wgt_unit", secretKey: SECRET, port: 0 });
  });
  afterAll(() => server.close());

  it("listens on 127.0.0.1 by default", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("offers the seed's users on the home page, each with an invalid-hash variant", async () => {
    const { status, headers, body } = await get("/");
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(headers.get("cache-control")).toBe("no-store");
    expect([...body.matchAll(/href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      "/chat/john",
      "/invalid/john",
      "/chat/anna",
      "/invalid/anna",
      "/chat/guest",
    ]);
    expect(body).toContain("John (john@example.com)");
    expect(body).toContain("Guest (no identification)");
  });

  it("signs each identified user's id with the secret key", async () => {
    for (const id of ["john@example.com", "anna@example.com"]) {
      const { body } = await get(`/chat/${id.split("@")[0]}`);
      expect(dataAttribute(body, "data-token")).toBe("wgt_unit");
      expect(dataAttribute(body, "data-user-id")).toBe(id);
      expect(dataAttribute(body, "data-user-hash")).toBe(hmac(id));
      expect(body).toContain("Identified user");
    }
  });

  it("embeds the guest anonymously", async () => {
    const { body } = await get("/chat/guest");
    expect(body).toContain(
      `<script src="https://widget.cavuer.com/embed.js" data-token="wgt_unit"></script>`,
    );
    expect(body).toContain("Anonymous visitor");
  });

  it("serves the invalid-hash variant with a well-formed wrong hash", async () => {
    const { status, body } = await get("/invalid/anna");
    expect(status).toBe(200);
    const hash = dataAttribute(body, "data-user-hash");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toBe(hmac("anna@example.com"));
    expect(body).toContain("the message will not be sent");
  });

  it("answers unknown users, guests without identity, odd paths and other methods clearly", async () => {
    expect(await get("/chat/nobody")).toMatchObject({
      status: 404,
      body: expect.stringContaining("&quot;nobody&quot;"),
    });
    expect(await get("/invalid/guest")).toMatchObject({
      status: 404,
      body: expect.stringContaining("is a guest"),
    });
    expect((await get("/chat/%E0%A4%A")).status).toBe(404);
    expect((await get("/chat/john/extra")).status).toBe(404);
    expect((await get("/constructor")).status).toBe(404);
    expect((await get("/chat/__proto__")).status).toBe(404);
    const post = await get("/", { method: "POST" });
    expect(post.status).toBe(405);
    expect(post.headers.get("allow")).toBe("GET, HEAD");
    const head = await fetch(`${server.url}/chat/john`, { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
  });

  it("answers malformed request targets and Host headers 400, and keeps serving", async () => {
    const raw = (head: string) =>
      new Promise<string>((resolve, reject) => {
        const { port } = new URL(server.url);
        const socket = connect(Number(port), "127.0.0.1", () => socket.write(`${head}\r\n\r\n`));
        let text = "";
        socket.on("data", (chunk) => {
          text += chunk.toString();
        });
        socket.on("end", () => resolve(text.split("\r\n")[0] ?? ""));
        socket.on("error", reject);
        socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${head}`)));
      });
    for (const head of [
      "GET //[ HTTP/1.1\r\nHost: localhost",
      "GET http://[ HTTP/1.1\r\nHost: localhost",
      "GET /chat/<john> HTTP/1.1\r\nHost: localhost",
      "GET * HTTP/1.1\r\nHost: localhost",
      "GET / HTTP/1.1\r\nHost: [",
      "GET / HTTP/1.1\r\nHost: a b",
      "GET / HTTP/1.1\r\nHost: exa mple.com:99999x",
    ]) {
      expect(await raw(`${head}\r\nConnection: close`), head).toBe("HTTP/1.1 400 Bad Request");
    }
    expect(await raw("GET / HTTP/1.1\r\nHost: localhost\r\nnot a header")).toBe("HTTP/1.1 400 Bad Request");
    expect(await raw("GET //chat/john HTTP/1.1\r\nHost: localhost\r\nConnection: close")).toBe(
      "HTTP/1.1 404 Not Found",
    );
    expect((await get("/")).status).toBe(200);
  });

  it("never sends the secret key", () => {
    expect(bodies.length).toBeGreaterThan(5);
    for (const body of bodies) expect(body).not.toContain(SECRET);
  });
});

describe("startWidgetTestServer refuses unsafe or impossible setups", () => {
  it("with an empty host, which would bind every interface", async () => {
    await expect(
      startWidgetTestServer({ token: "wgt_x", secretKey: SECRET, host: "", port: 0 }),
    ).rejects.toThrow(/host is empty/);
  });

  it("without a secret key", async () => {
    await expect(startWidgetTestServer({ token: "wgt_x", secretKey: "", port: 0 })).rejects.toThrow(
      /Secret Key is missing/,
    );
  });

  it("when the token is the secret key, without repeating it", async () => {
    for (const [token, secretKey] of [
      ["sk_live_123", "sk_live_other"],
      ["same-value", "same-value"],
    ] as const) {
      const error = await startWidgetTestServer({ token, secretKey, port: 0 }).catch((e: unknown) => e);
      expect(String(error)).toMatch(/token looks like the Secret Key/);
      expect(String(error)).not.toContain(secretKey);
    }
  });

  it("with an empty token or a non-http script URL", async () => {
    await expect(startWidgetTestServer({ token: "", secretKey: SECRET, port: 0 })).rejects.toThrow(/token/);
    await expect(
      startWidgetTestServer({ token: "wgt_x", secretKey: SECRET, port: 0, widgetSrc: "javascript:alert(1)" }),
    ).rejects.toThrow(/http\(s\)/);
  });

  it("on a port in use, naming the port and the fix", async () => {
    const first = await startWidgetTestServer({ token: "wgt_x", secretKey: SECRET, port: 0 });
    const port = Number(new URL(first.url).port);
    try {
      await expect(startWidgetTestServer({ token: "wgt_x", secretKey: SECRET, port })).rejects.toThrow(
        `port ${port} is already in use on 127.0.0.1; pick another with --port`,
      );
    } finally {
      await first.close();
    }
  });
});

describe("WidgetTestServer.close", () => {
  it("returns promptly even while a browser holds a keep-alive connection", async () => {
    const server = await startWidgetTestServer({ token: "wgt_x", secretKey: SECRET, port: 0 });
    await new Promise<void>((resolve, reject) => {
      request(`${server.url}/`, { headers: { connection: "keep-alive" } }, (res) => {
        res.resume();
        res.on("end", resolve);
      })
        .on("error", reject)
        .end();
    });
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
