// The mocks as a user's tests meet them: lists that page and end, streams that stream, errors on
// request through the helpers, and Prism still validating behind the layer.
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaacClient } from "../caac/index.js";
import { APIConnectionTimeoutError, BadRequestError, NotFoundError, RateLimitError } from "../core/index.js";
import { createFifthElementClient, MalformedStreamError } from "../fifthelement/index.js";
import { MAX_STREAM_DELAY_MS, type Mocks, STREAM_DELAY_HEADER, startMocks } from "./index.js";

const STREAM_DELAY_MS = 40;
let mocks: Mocks;
beforeAll(async () => {
  mocks = await startMocks({
    apis: ["caac", "fifthelement"],
    ports: { caac: 0, fifthelement: 0 },
    streamDelayMs: STREAM_DELAY_MS,
  });
});
afterAll(async () => {
  await mocks?.stop();
});

const caac = () => createCaacClient({ apiKey: "test", baseUrl: mocks.urls.caac ?? "", maxRetries: 0 });
const fifth = (timeout?: number) =>
  createFifthElementClient({
    apiKey: "test",
    baseUrl: mocks.urls.fifthelement ?? "",
    maxRetries: 0,
    ...(timeout ? { timeout } : {}),
  });

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe("CAAC lists page and end", () => {
  it("iterateUsers({ limit: 500 }) walks every page once and stops (the README's loop)", async () => {
    const pages: string[] = [];
    const client = createCaacClient({
      apiKey: "test",
      baseUrl: mocks.urls.caac ?? "",
      fetch: (input, init) => {
        pages.push(new URL(input instanceof Request ? input.url : String(input)).search);
        return fetch(input, init);
      },
    });
    const users = [];
    for await (const user of client.iterateUsers({ limit: 500 })) users.push(user);
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages[0]).toBe("?limit=500");
    expect(pages[1]).toMatch(/^\?limit=500&after=/);
    const ids = users.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(users.map((u) => u.name)).toContain("Mei-Ling Chen");
  });

  it("channels and teams also walk at least two pages of distinct, real-looking items", async () => {
    const channels = await all(caac().iterateChannels());
    const teams = await all(caac().iterateTeams({ limit: 2 }));
    expect(channels.length).toBeGreaterThan(2);
    expect(new Set(channels.map((c) => c.id)).size).toBe(channels.length);
    expect(channels.every((c) => c.name && c.name !== "string")).toBe(true);
    expect(teams.length).toBeGreaterThan(2);
    expect(new Set(teams.map((t) => t.id)).size).toBe(teams.length);
  });

  it("the data is consistent: the member, team and user a GET returns are in the lists", async () => {
    const client = caac();
    const channels = await all(client.iterateChannels());
    const users = await all(client.iterateUsers());
    const teams = await all(client.iterateTeams());
    const member = await client.GET("/openapi/v2/channels/{channel_id}/members/{member_id}", {
      params: { path: { channel_id: 12345, member_id: 67890 } },
    });
    expect(member.data?.id).toBe(67890);
    expect(member.data?.external_member_id).toMatch(/^U[0-9a-f]{32}$/);
    expect(channels.map((c) => c.external_channel_id)).toContain(member.data?.external_channel_id);
    const team = await client.GET("/openapi/v2/teams/{team_id}", { params: { path: { team_id: 42 } } });
    expect(teams.map((t) => t.id)).toContain(team.data?.id);
    const added = await client.POST("/openapi/v1/teams/{team_id}/users", {
      params: { path: { team_id: 42 } },
      body: { user_ids: [1001, 1002] },
    });
    for (const user of added.data ?? []) expect(users.map((u) => u.id)).toContain(user.id);
    const user = await client.GET("/openapi/v1/users/{user_id}", { params: { path: { user_id: 1001 } } });
    expect(user.data?.email).toMatch(/^[a-z.-]+@[a-z.]+$/);
  });

  it("an explicit Prefer wins over the cursor: example=seed serves the documentation's page", async () => {
    const response = await fetch(`${mocks.urls.caac}/openapi/v2/users?after=eyJpZCI6MTAwM30`, {
      headers: { apikey: "test", prefer: "example=seed" },
    });
    expect(((await response.json()) as { cursor: { after: string } }).cursor.after).toBe("string");
  });

  it("errors on request through the iterators: Prefer code=400 throws BadRequestError", async () => {
    const iteration = all(caac().iterateUsers({ headers: { Prefer: "code=400" } }));
    await expect(iteration).rejects.toBeInstanceOf(BadRequestError);
  });

  it("Prism still validates behind the layer: a limit over 1000 is answered 400 with sl-violations", async () => {
    const response = await fetch(`${mocks.urls.caac}/openapi/v2/users?limit=5000`, {
      headers: { apikey: "t" },
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("sl-violations")).toMatch(/limit/);
  });
});

describe("Fifth Element streams stream", () => {
  it("chatStream yields the events one by one, spread over time", async () => {
    const started = Date.now();
    const arrivals: number[] = [];
    const chunks: string[] = [];
    for await (const chunk of fifth().chatStream("support-agent", { message: "When are you open?" })) {
      chunks.push(chunk);
      arrivals.push(Date.now() - started);
    }
    expect(chunks.length).toBeGreaterThan(5);
    expect(chunks.join("")).toMatch(/^We're open Monday to Friday/);
    // The last chunk comes at least (events − 1) pauses after the first: generous, never tight.
    const spread = (arrivals.at(-1) ?? 0) - (arrivals[0] ?? 0);
    expect(spread).toBeGreaterThanOrEqual((chunks.length - 2) * STREAM_DELAY_MS * 0.5);
  });

  it(`${STREAM_DELAY_HEADER}: 0 sends the whole stream without pauses`, async () => {
    const chunks = await all(
      fifth().chatStream("support-agent", { message: "Hi" }, { headers: { [STREAM_DELAY_HEADER]: "0" } }),
    );
    expect(chunks.join("")).toMatch(/^We're open/);
  });

  it.each(["-1", "1.5", "2147483648", String(MAX_STREAM_DELAY_MS + 1)])(
    `${STREAM_DELAY_HEADER}: %s is answered 400, naming the header and the limit`,
    async (value) => {
      const response = await fetch(`${mocks.urls.fifthelement}/chat/x`, {
        method: "POST",
        headers: {
          authorization: "Bearer t",
          "content-type": "application/json",
          [STREAM_DELAY_HEADER]: value,
        },
        body: JSON.stringify({ message: "Hi", stream: true }),
      });
      expect(response.status).toBe(400);
      expect(await response.json()).toMatchObject({
        detail: `fifthelement mock: ${STREAM_DELAY_HEADER} must be a whole number of ms from 0 to ${MAX_STREAM_DELAY_MS}; got "${value}"`,
      });
    },
  );

  it("streamDelayMs over the limit is refused before any mock starts", async () => {
    await expect(
      startMocks({ apis: ["fifthelement"], ports: { fifthelement: 0 }, streamDelayMs: 2 ** 31 }),
    ).rejects.toThrow(
      `streamDelayMs must be a number of ms from 0 to ${MAX_STREAM_DELAY_MS}, got 2147483648`,
    );
  });

  it("Prefer example=truncated ends without [DONE]: MalformedStreamError", async () => {
    const stream = fifth().chatStream(
      "support-agent",
      { message: "Hi" },
      { headers: { Prefer: "example=truncated" } },
    );
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MalformedStreamError);
    expect(received).toEqual(["We're", " open", " Monday"]);
  });

  it("Prefer example=stalled stops sending: the client's idle timeout fires", async () => {
    const stream = fifth(500).chatStream(
      "support-agent",
      { message: "Hi" },
      { headers: { Prefer: "example=stalled" } },
    );
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(received).toEqual(["One", " moment"]);
  });

  it("a streaming request with Prefer code=404 or 429 answers the documented JSON error", async () => {
    const notFound = all(fifth().chatStream("nope", { message: "Hi" }, { headers: { Prefer: "code=404" } }));
    await expect(notFound).rejects.toBeInstanceOf(NotFoundError);
    const limited = all(fifth().chatStream("x", { message: "Hi" }, { headers: { Prefer: "code=429" } }));
    await expect(limited).rejects.toBeInstanceOf(RateLimitError);
    const raw = await fetch(`${mocks.urls.fifthelement}/chat/x`, {
      method: "POST",
      headers: {
        authorization: "Bearer t",
        "content-type": "application/json",
        accept: "text/event-stream",
        prefer: "code=404",
      },
      body: JSON.stringify({ message: "Hi", stream: true }),
    });
    expect(raw.status).toBe(404);
    expect(raw.headers.get("content-type")).toMatch(/application\/json/);
    expect(await raw.json()).toMatchObject({ data: null, error: { name: "NotFoundError" } });
  });

  it("chat() with Prefer code=404 throws NotFoundError", async () => {
    await expect(
      fifth().chat("support-agent", { message: "Hi" }, { headers: { Prefer: "code=404" } }),
    ).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("requests the front cannot parse", () => {
  it("a request target that is not a URL path (GET //[) is answered 400, not 502", async () => {
    const { hostname, port } = new URL(mocks.urls.caac ?? "");
    const socket = connect(Number(port), hostname);
    socket.write("GET //[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    let reply = "";
    for await (const chunk of socket) reply += String(chunk);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('caac mock: the request target \\"//[\\" is not a valid URL path');
  });
});
