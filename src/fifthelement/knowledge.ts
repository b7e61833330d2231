/**
 * The Fifth Element knowledge base, jobs and tokens: repositories, paged documents, background
 * jobs and API tokens, as helpers over the client's typed surface (so they share its retries,
 * timeouts, redaction and typed errors). The client composes them; see `createFifthElementClient`.
 */

import type { components, paths } from "../../generated/fifthelement.js";
import {
  ChatAgentApiError,
  paginate,
  type RequestOptions,
  requireString,
  type TypedClient,
  ValidationError,
  validateLimit,
} from "../core/index.js";

type Schemas = components["schemas"];
export type Repository = Schemas["Repository"];
export type Document = Schemas["Document"];
export type CreatedDocument = Schemas["CreatedDocument"];
export type Job = Schemas["Job"];
export type JobType = Schemas["JobType"];
export type JobStatus = Schemas["JobStatus"];
export type RerunJob = Schemas["RerunJob"];
export type ApiToken = Schemas["ApiToken"];

/** Input of `createDocument`. */
export interface CreateDocumentInput {
  /** The document's title (not empty). */
  title: string;
  /** The document's text (not empty). */
  content: string;
  /** Free-form metadata, by name. */
  metadata?: Record<string, unknown> | undefined;
}

/** Input of `createApiToken`. */
export interface CreateApiTokenInput {
  /** A name to identify the token by (not empty). */
  name: string;
}

/** Options of `iterateDocuments`: paging plus per-call overrides applied to every page request. */
export interface IterateDocumentsOptions extends RequestOptions {
  /** Documents per page, 1–1000 (the platform's default is 50). Validated before any request. */
  limit?: number | undefined;
  /**
   * Most pages fetched before the iteration fails with a `ChatAgentApiError` (default
   * {@link DEFAULT_MAX_DOCUMENT_PAGES}): a guard against a server whose `total` never ends.
   */
  maxPages?: number | undefined;
}

/** The default page cap of `iterateDocuments`: 10,000 pages (500,000 documents at 50 a page). */
export const DEFAULT_MAX_DOCUMENT_PAGES = 10_000;

export interface KnowledgeHelpers {
  /** Every repository the key can see. */
  listRepositories(options?: RequestOptions): Promise<Repository[]>;
  /**
   * Every document of a repository, fetching page after page (`start`/`limit`) as the consumer
   * gets there; ends when `pagination.total` documents were read or a page comes back empty.
   */
  iterateDocuments(
    repositoryId: string,
    options?: IterateDocumentsOptions,
  ): AsyncGenerator<Document, void, undefined>;
  /** Adds a document to a repository; `jobId`, when present, is the job that processes it. */
  createDocument(
    repositoryId: string,
    input: CreateDocumentInput,
    options?: RequestOptions,
  ): Promise<CreatedDocument>;
  /** A background job: its type, status, progress and, once completed, result. */
  getJob(jobId: string, options?: RequestOptions): Promise<Job>;
  /** Starts a new job repeating `jobId`; resolves with the new (`pending`) job. */
  rerunJob(jobId: string, options?: RequestOptions): Promise<RerunJob>;
  /** Creates an API token named `name`; its secret is in the result only. */
  createApiToken(input: CreateApiTokenInput, options?: RequestOptions): Promise<ApiToken>;
}

// Any RFC 9562 UUID layout (versions are not restricted: the platform does not say which it uses).
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The knowledge-base, jobs and tokens helpers over a Fifth Element typed client. */
export function createKnowledgeHelpers(api: TypedClient<paths>): KnowledgeHelpers {
  async function listRepositories(call?: RequestOptions): Promise<Repository[]> {
    const { data } = api.unwrap(await api.GET("/repositories", { ...api.requestInit(call) }));
    return arrayField(data?.repositories, "response.data.repositories") as Repository[];
  }

  function iterateDocuments(repositoryId: string, call: IterateDocumentsOptions = {}) {
    const { limit, maxPages = DEFAULT_MAX_DOCUMENT_PAGES, ...requestOptions } = call;
    // Checked here, not on the first `next()`, so bad input fails at the call site.
    const path = { repositoryId: requireUuid("repositoryId", repositoryId) };
    const pageSize = validateLimit(limit);
    if (!(Number.isInteger(maxPages) && maxPages >= 1)) {
      throw new ValidationError("maxPages", `must be a positive integer, got ${String(maxPages)}`);
    }
    let pages = 0;
    // The core paginator follows a cursor; here the cursor is the next page's `start` offset.
    return paginate<Document>({
      // This iterator enforces maxPages itself (with its own message); the core cap must not cut first.
      maxPages: maxPages + 1,
      fetchPage: async (cursor) => {
        if (pages === maxPages) {
          throw new ChatAgentApiError(
            `iterateDocuments stopped after ${maxPages} pages (maxPages) with more announced by pagination.total; raise maxPages or a larger limit to read further.`,
          );
        }
        pages++;
        const start = cursor === undefined ? 0 : Number(cursor);
        const query = { start, ...(pageSize === undefined ? {} : { limit: pageSize }) };
        const { data } = api.unwrap(
          await api.GET("/repositories/{repositoryId}/documents", {
            params: { path, query },
            ...api.requestInit(requestOptions),
          }),
        );
        const documents = arrayField(data?.documents, "response.data.documents") as Document[];
        const total = data?.pagination?.total;
        const next = start + documents.length;
        // An empty page ends the iteration even when `total` says more: the server has no more to give.
        const more = documents.length > 0 && (typeof total !== "number" || next < total);
        return { items: documents, nextCursor: more ? String(next) : undefined };
      },
    });
  }

  async function createDocument(
    repositoryId: string,
    input: CreateDocumentInput,
    call?: RequestOptions,
  ): Promise<CreatedDocument> {
    const path = { repositoryId: requireUuid("repositoryId", repositoryId) };
    const body = documentBody(input);
    const result = await api.POST("/repositories/{repositoryId}/documents", {
      params: { path },
      body,
      ...api.requestInit(call),
    });
    return api.unwrap(result).data;
  }

  async function getJob(jobId: string, call?: RequestOptions): Promise<Job> {
    const path = { id: requireUuid("jobId", jobId) };
    return api.unwrap(await api.GET("/jobs/{id}", { params: { path }, ...api.requestInit(call) })).data;
  }

  async function rerunJob(jobId: string, call?: RequestOptions): Promise<RerunJob> {
    const path = { id: requireUuid("jobId", jobId) };
    const result = await api.POST("/jobs/{id}/rerun", { params: { path }, ...api.requestInit(call) });
    return api.unwrap(result).data;
  }

  async function createApiToken(input: CreateApiTokenInput, call?: RequestOptions): Promise<ApiToken> {
    requireObject("input", input);
    const body = { name: requireString("name", input.name) };
    const result = await api.POST("/user-api-tokens", { body, ...api.requestInit(call) });
    return api.unwrap(result).data;
  }

  return { listRepositories, iterateDocuments, createDocument, getJob, rerunJob, createApiToken };
}

function documentBody(input: CreateDocumentInput): Schemas["CreateDocumentRequest"] {
  requireObject("input", input);
  const body: Schemas["CreateDocumentRequest"] = {
    title: requireString("title", input.title),
    content: requireString("content", input.content),
  };
  if (input.metadata !== undefined) body.metadata = requireObject("metadata", input.metadata);
  return body;
}

function requireUuid(field: string, value: unknown): string {
  const text = requireString(field, value);
  if (!UUID.test(text)) throw new ValidationError(field, `must be a UUID, got ${JSON.stringify(text)}`);
  return text;
}

function requireObject<T>(field: string, value: T): T {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(
      field,
      `must be an object, got ${value === null ? "null" : Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  return value;
}

function arrayField(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new ValidationError(field, "must be an array");
  return value;
}
