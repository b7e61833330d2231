import { describe, expect, it } from "vitest";
import { ValidationError } from "../core/index.js";
import { json, stubFetch } from "../test-support/stub-fetch.js";
import { createCaacClient } from "./index.js";

const apiKey = "caac_SECRET_key";

describe("createCaacClient iterators", () => {
  it("follow cursor.after across three pages and stop when it ends", async () => {
    const pages = [
      { channels: [{ id: 1 }, { id: 2 }], cursor: { after: "p2", before: "" } },
      { channels: [{ id: 3 }], cursor: { after: "p3", before: "p1" } },
      { channels: [{ id: 4 }], cursor: { after: "", before: "p2" } },
    ];
    const { fetch, requests } = stubFetch((_r, i) => json(pages[i]));
    const client = createCaacClient({ apiKey, fetch });
    const ids: number[] = [];
    for await (const channel of client.iterateChannels({ limit: 2 })) ids.push(channel.id ?? -1);
    expect(ids).toEqual([1, 2, 3, 4]);
    expect(requests.map((r) => new URL(r.url).search)).toEqual([
      "?limit=2",
      "?limit=2&after=p2",
      "?limit=2&after=p3",
    ]);
    expect(requests.every((r) => r.headers.get("apikey") === apiKey)).toBe(true);
  });

  it.each([
    ["teams", "iterateTeams", "/openapi/v2/teams"],
    ["users", "iterateUsers", "/openapi/v2/users"],
  ] as const)("list %s from the v2 collection", async (key, method, path) => {
    const { fetch, requests } = stubFetch(() => json({ [key]: [{ id: 7 }], cursor: {} }));
    const items = [];
    for await (const item of createCaacClient({ apiKey, fetch })[method]()) items.push(item);
    expect(items).toEqual([{ id: 7 }]);
    expect(new URL(requests[0]?.url ?? "").pathname).toBe(path);
  });

  it.each([0, 1001, 2.5, Number.NaN])("rejects limit %s before any request", (limit) => {
    const { fetch, requests } = stubFetch(() => json({}));
    const client = createCaacClient({ apiKey, fetch });
    expect(() => client.iterateUsers({ limit })).toThrow(ValidationError);
    expect(() => client.iterateUsers({ limit })).toThrow(/limit: must be an integer between 1 and 1000/);
    expect(requests).toHaveLength(0);
  });

  it("fails instead of looping forever when the server repeats a cursor", async () => {
    const { fetch } = stubFetch(() => json({ teams: [{ id: 1 }], cursor: { after: "same" } }));
    const iterate = async () => {
      for await (const _team of createCaacClient({ apiKey, fetch }).iterateTeams());
    };
    await expect(iterate()).rejects.toThrow(/repeated cursor/);
  });
});

describe("createCaacClient", () => {
  it("uses the Japan host for region jp and the shared host for tw and th", async () => {
    const { fetch, requests } = stubFetch(() => json({ channels: [] }));
    for (const region of ["jp", "tw", "th"] as const) {
      await createCaacClient({ apiKey, region, fetch }).GET("/openapi/v1/channels");
    }
    expect(requests.map((r) => new URL(r.url).host)).toEqual([
      "api.user360.jp.cresclab.com",
      "api.user360.cresclab.com",
      "api.user360.cresclab.com",
    ]);
  });

  it("rejects an unknown region naming the valid ones", () => {
    expect(() => createCaacClient({ apiKey, region: "us" as never })).toThrow(
      /region: must be one of tw, th, jp/,
    );
  });

  it("exposes every operation with types, e.g. a member's assignment", async () => {
    const { fetch, requests } = stubFetch(() => json({ assign_type: "manual" }));
    const client = createCaacClient({ apiKey, fetch });
    const data = client.unwrap(
      await client.GET("/openapi/v1/channels/{channel_id}/members/{member_id}/assignment", {
        params: { path: { channel_id: 1, member_id: 2 } },
      }),
    );
    expect(data.assign_type).toBe("manual");
    expect(new URL(requests[0]?.url ?? "").pathname).toBe("/openapi/v1/channels/1/members/2/assignment");
  });
});

describe("createCaacClient per-call headers", () => {
  it("sends an iterator's per-call headers with every page request", async () => {
    const pages = [
      { users: [{ id: 1 }], cursor: { after: "p2" } },
      { users: [{ id: 2 }], cursor: {} },
    ];
    const { fetch, requests } = stubFetch((_request, index) => json(pages[index]));
    const client = createCaacClient({ apiKey, fetch });
    const ids: unknown[] = [];
    for await (const user of client.iterateUsers({ headers: { prefer: "code=200", apikey: "other-key" } })) {
      ids.push(user.id);
    }
    expect(ids).toEqual([1, 2]);
    expect(requests.map((request) => [request.headers.get("prefer"), request.headers.get("apikey")])).toEqual(
      [
        ["code=200", "other-key"],
        ["code=200", "other-key"],
      ],
    );
  });
});

describe("createCaacClient iterators and an endless cursor chain", () => {
  it("stop after maxPages with a clear error, and reject a bad maxPages before any request", async () => {
    const { fetch, requests } = stubFetch((_request, index) =>
      json({ channels: [{ id: index }], cursor: { after: `next-${index}` } }),
    );
    const client = createCaacClient({ apiKey, fetch });
    const ids: unknown[] = [];
    const error: unknown = await (async () => {
      for await (const channel of client.iterateChannels({ maxPages: 4 })) ids.push(channel.id);
    })().catch((e: unknown) => e);
    expect(ids).toEqual([0, 1, 2, 3]);
    expect(requests).toHaveLength(4);
    expect(String(error)).toMatch(/Pagination stopped after 4 pages \(maxPages\)/);
    expect(() => client.iterateUsers({ maxPages: 0 })).toThrow(ValidationError);
    expect(requests).toHaveLength(4);
  });
});
