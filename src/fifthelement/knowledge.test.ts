import { describe, expect, it } from "vitest";
import {
  APIConnectionTimeoutError,
  ChatAgentApiError,
  NotFoundError,
  ValidationError,
} from "../core/index.js";
import { json, type RecordedRequest, stubFetch } from "../test-support/stub-fetch.js";
import { createFifthElementClient, DEFAULT_MAX_DOCUMENT_PAGES } from "./index.js";

const apiKey = "fe_SECRET_knowledge_42";
const baseUrl = "https://acme.example/v1/api";
const repositoryId = "5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const jobId = "9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a";

const doc = (n: number) => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
  title: `Doc ${n}`,
});

/** A documents endpoint over `count` documents that honours start/limit, reporting `total`. */
function documentsServer(count: number, total = count) {
  return (request: RecordedRequest) => {
    const url = new URL(request.url);
    const start = Number(url.searchParams.get("start") ?? 0);
    const limit = Number(url.searchParams.get("limit") ?? 50);
    const documents = Array.from({ length: Math.max(0, Math.min(limit, count - start)) }, (_, i) =>
      doc(start + i),
    );
    return json({ data: { documents, pagination: { total, start, limit } }, error: null });
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

const queryOf = (request: RecordedRequest | undefined) =>
  Object.fromEntries(new URL(request?.url ?? "http://x").searchParams);

describe("listRepositories", () => {
  it("GETs /repositories with bearer auth and returns data.repositories", async () => {
    const repositories = [{ id: repositoryId, name: "Support FAQ" }];
    const { fetch, requests } = stubFetch(() => json({ data: { repositories }, error: null }));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.listRepositories()).resolves.toEqual(repositories);
    expect(requests[0]?.method).toBe("GET");
    expect(requests[0]?.url).toBe(`${baseUrl}/repositories`);
    expect(requests[0]?.headers.get("authorization")).toBe(`Bearer ${apiKey}`);
  });

  it("fails clearly when the response has no repositories array", async () => {
    const { fetch } = stubFetch(() => json({ data: {}, error: null }));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.listRepositories()).rejects.toThrow("response.data.repositories: must be an array");
  });
});

describe("iterateDocuments", () => {
  it("pages with start/limit until pagination.total documents were read", async () => {
    const { fetch, requests } = stubFetch(documentsServer(5));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const documents = await collect(client.iterateDocuments(repositoryId, { limit: 2 }));
    expect(documents.map((d) => d.title)).toEqual(["Doc 0", "Doc 1", "Doc 2", "Doc 3", "Doc 4"]);
    expect(requests.map(queryOf)).toEqual([
      { start: "0", limit: "2" },
      { start: "2", limit: "2" },
      { start: "4", limit: "2" },
    ]);
    expect(new URL(requests[0]?.url ?? "").pathname).toBe(`/v1/api/repositories/${repositoryId}/documents`);
  });

  it("sends no limit when none is given, and advances by the page's actual length", async () => {
    // The server pages by 3 although asked for its default: the next start follows what came back.
    const { fetch, requests } = stubFetch((request) => {
      const start = Number(new URL(request.url).searchParams.get("start"));
      const documents = [doc(start), doc(start + 1), doc(start + 2)].filter((_, i) => start + i < 4);
      return json({ data: { documents, pagination: { total: 4, start, limit: 3 } }, error: null });
    });
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    expect(await collect(client.iterateDocuments(repositoryId))).toHaveLength(4);
    expect(requests.map(queryOf)).toEqual([{ start: "0" }, { start: "3" }]);
  });

  it("stops on an empty page even when total announces more", async () => {
    const { fetch, requests } = stubFetch(documentsServer(3, 10));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    expect(await collect(client.iterateDocuments(repositoryId, { limit: 2 }))).toHaveLength(3);
    expect(requests.map((r) => queryOf(r).start)).toEqual(["0", "2", "3"]);
  });

  it("fails after maxPages pages of a server that never ends, naming the cap", async () => {
    // Ignores `start` and always claims more: without the cap this would loop forever.
    const { fetch, requests } = stubFetch(() =>
      json({ data: { documents: [doc(0)], pagination: { total: 1e9, start: 0, limit: 1 } }, error: null }),
    );
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const error = await collect(client.iterateDocuments(repositoryId, { maxPages: 3 })).catch((e) => e);
    expect(error).toBeInstanceOf(ChatAgentApiError);
    expect(String(error)).toMatch(/after 3 pages \(maxPages\)/);
    expect(requests).toHaveLength(3);
    expect(DEFAULT_MAX_DOCUMENT_PAGES).toBe(10_000);
  });

  it("reads past the core paginator's default page cap when maxPages allows it", async () => {
    const count = DEFAULT_MAX_DOCUMENT_PAGES + 2;
    const { fetch } = stubFetch(documentsServer(count));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const documents = await collect(client.iterateDocuments(repositoryId, { limit: 1, maxPages: count }));
    expect(documents).toHaveLength(count);
  });

  it("sends nothing until the first next(), and nothing more after break", async () => {
    const { fetch, requests } = stubFetch(documentsServer(10));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const documents = client.iterateDocuments(repositoryId, { limit: 2 });
    expect(requests).toHaveLength(0);
    for await (const _ of documents) break;
    expect(requests).toHaveLength(1);
  });

  it("rejects a bad repositoryId, limit or maxPages at the call, before any request", () => {
    const { fetch, requests } = stubFetch(documentsServer(1));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    expect(() => client.iterateDocuments("repo-1")).toThrow(/^repositoryId: must be a UUID/);
    expect(() => client.iterateDocuments(repositoryId, { limit: 0 })).toThrow(/^limit: must be an integer/);
    expect(() => client.iterateDocuments(repositoryId, { limit: 1.5 })).toThrow(ValidationError);
    expect(() => client.iterateDocuments(repositoryId, { maxPages: 0 })).toThrow(/^maxPages: /);
    expect(requests).toHaveLength(0);
  });
});

describe("createDocument", () => {
  it("POSTs title, content and metadata and returns the created document", async () => {
    const created = { id: "3f2b8c1e-7a4d-4e9b-9c2a-1d5e6f7a8b90", title: "Hours", jobId };
    const { fetch, requests } = stubFetch(() => json({ data: created, error: null }));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const input = { title: "Hours", content: "9 to 18", metadata: { source: "faq" } };
    await expect(client.createDocument(repositoryId, input)).resolves.toEqual(created);
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toBe(`${baseUrl}/repositories/${repositoryId}/documents`);
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual(input);
  });

  it("leaves metadata out when none is given", async () => {
    const { fetch, requests } = stubFetch(() => json({ data: { id: jobId, title: "t" }, error: null }));
    await createFifthElementClient({ apiKey, baseUrl, fetch }).createDocument(repositoryId, {
      title: "t",
      content: "c",
    });
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ title: "t", content: "c" });
  });

  it("rejects a missing title with a ValidationError naming title, before any request", async () => {
    const { fetch, requests } = stubFetch(() => json({}));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    const error = await client
      .createDocument(repositoryId, { content: "c" } as unknown as { title: string; content: string })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: "title", rule: "required" });
    await expect(client.createDocument(repositoryId, { title: "t", content: " " })).rejects.toThrow(
      "content: must not be empty",
    );
    await expect(
      client.createDocument(repositoryId, {
        title: "t",
        content: "c",
        metadata: ["x"] as unknown as Record<string, unknown>,
      }),
    ).rejects.toThrow("metadata: must be an object, got an array");
    await expect(client.createDocument("nope", { title: "t", content: "c" })).rejects.toThrow(
      /^repositoryId: must be a UUID/,
    );
    expect(requests).toHaveLength(0);
  });
});

describe("getJob and rerunJob", () => {
  it("GETs /jobs/{id} and returns the job", async () => {
    const job = { id: jobId, type: "document_processing", status: "running", progress: 40 };
    const { fetch, requests } = stubFetch(() => json({ data: job, error: null }));
    await expect(createFifthElementClient({ apiKey, baseUrl, fetch }).getJob(jobId)).resolves.toEqual(job);
    expect(requests[0]?.method).toBe("GET");
    expect(requests[0]?.url).toBe(`${baseUrl}/jobs/${jobId}`);
  });

  it("POSTs /jobs/{id}/rerun and returns the new pending job", async () => {
    const rerun = { id: repositoryId, type: "web_crawling", status: "pending", originalJobId: jobId };
    const { fetch, requests } = stubFetch(() => json({ data: rerun, error: null }));
    await expect(createFifthElementClient({ apiKey, baseUrl, fetch }).rerunJob(jobId)).resolves.toEqual(
      rerun,
    );
    expect(requests[0]?.method).toBe("POST");
    expect(requests[0]?.url).toBe(`${baseUrl}/jobs/${jobId}/rerun`);
  });

  it("rejects an id that is not a UUID, naming jobId, before any request", async () => {
    const { fetch, requests } = stubFetch(() => json({}));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.getJob("job-1")).rejects.toThrow(/^jobId: must be a UUID/);
    await expect(client.rerunJob("")).rejects.toThrow("jobId: must not be empty");
    expect(requests).toHaveLength(0);
  });

  it("throws a NotFoundError with the vendor's message and never the key", async () => {
    const body = { data: null, error: { name: "NotFoundError", message: `Job not found for ${apiKey}` } };
    const { fetch } = stubFetch(() => json(body, 404));
    const error = await createFifthElementClient({ apiKey, baseUrl, fetch })
      .getJob(jobId)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(String((error as Error).message)).toContain("Job not found");
    expect(
      JSON.stringify({ message: (error as Error).message, body: (error as NotFoundError).error }),
    ).not.toContain(apiKey);
  });

  it("retries a 500 on getJob (a read) and returns the job", async () => {
    const job = { id: jobId, type: "export", status: "completed" };
    const { fetch, requests } = stubFetch((_, i) =>
      i === 0
        ? json({ data: null, error: { name: "InternalServerError", message: "boom" } }, 500)
        : json({ data: job, error: null }),
    );
    const client = createFifthElementClient({ apiKey, baseUrl, fetch, maxRetries: 1 });
    await expect(client.getJob(jobId, { timeout: 10_000 })).resolves.toEqual(job);
    expect(requests).toHaveLength(2);
  });

  it("applies the per-call timeout", async () => {
    const never = () => new Promise<Response>(() => {});
    const client = createFifthElementClient({ apiKey, baseUrl, fetch: never, maxRetries: 0 });
    await expect(client.getJob(jobId, { timeout: 20 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });
});

describe("createApiToken", () => {
  it("POSTs the name to /user-api-tokens and returns the token", async () => {
    const token = { id: repositoryId, name: "CI", token: "fe_live_new" };
    const { fetch, requests } = stubFetch(() => json({ data: token, error: null }));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.createApiToken({ name: "CI" })).resolves.toEqual(token);
    expect(requests[0]?.url).toBe(`${baseUrl}/user-api-tokens`);
    expect(JSON.parse(requests[0]?.body ?? "")).toEqual({ name: "CI" });
  });

  it("rejects a missing name before any request", async () => {
    const { fetch, requests } = stubFetch(() => json({}));
    const client = createFifthElementClient({ apiKey, baseUrl, fetch });
    await expect(client.createApiToken({} as { name: string })).rejects.toMatchObject({ field: "name" });
    await expect(client.createApiToken(null as unknown as { name: string })).rejects.toThrow(
      "input: must be an object",
    );
    expect(requests).toHaveLength(0);
  });
});
