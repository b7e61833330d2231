// How each CAAC operation is called through the client, for the contract suite and its gate. Most
// have no helper method, so they go through the typed surface with the spec's example request.

import { expect } from "vitest";
import { type CaacClient, createCaacClient } from "../../src/caac/index.js";
import { unwrap } from "../../src/core/index.js";
import { defineContract, exampleInit, upTo } from "../support/contract.js";
import type { Json } from "../support/openapi.js";

/** At most this many items per list walk (the mocks' lists are shorter, so they are walked whole). */
const LIST_CAP = 6;

/**
 * Checks an iteration against the last page it fetched: it ended (no `cursor.after`) after more
 * than one page (more items than that page holds), with no item twice.
 */
const walkedEveryPage = (key: string) => (result: unknown, lastPage: Json) => {
  const items = result as Array<{ id?: number }>;
  const page = lastPage as { cursor?: { after?: string } } & Record<string, unknown>;
  expect(page.cursor?.after, "the iteration stopped before the last page").toBeUndefined();
  expect(items.length).toBeGreaterThan((page[key] as unknown[]).length);
  expect(new Set(items.map((item) => item.id)).size).toBe(items.length);
};

export const contract = defineContract<CaacClient>({
  api: "caac",
  client: (setup) => createCaacClient(setup),
  operations: {
    backups_get: {
      via: "GET /openapi/v1/backups/{backup_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v1/backups/{backup_id}", exampleInit(context))),
    },
    backups_trigger: {
      via: "POST /openapi/v1/messages/backups",
      call: async (client, context) =>
        unwrap(await client.POST("/openapi/v1/messages/backups", exampleInit(context))),
    },
    messages_create_from_user: {
      via: "POST /openapi/v1/channels/{channel_id}/members/{member_id}/messages",
      call: async (client, context) =>
        unwrap(
          await client.POST(
            "/openapi/v1/channels/{channel_id}/members/{member_id}/messages",
            exampleInit(context),
          ),
        ),
    },
    channels_list: {
      via: "GET /openapi/v1/channels",
      readOnly: true,
      call: async (client, context) => unwrap(await client.GET("/openapi/v1/channels", exampleInit(context))),
    },
    members_get_by_external_id: {
      via: "GET /openapi/v1/channels/{channel_id}/members",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v1/channels/{channel_id}/members", exampleInit(context))),
    },
    members_upsert: {
      via: "PUT /openapi/v1/channels/{channel_id}/members",
      call: async (client, context) =>
        unwrap(await client.PUT("/openapi/v1/channels/{channel_id}/members", exampleInit(context))),
    },
    members_get_assignment: {
      via: "GET /openapi/v1/channels/{channel_id}/members/{member_id}/assignment",
      readOnly: true,
      call: async (client, context) =>
        unwrap(
          await client.GET(
            "/openapi/v1/channels/{channel_id}/members/{member_id}/assignment",
            exampleInit(context),
          ),
        ),
    },
    members_assign_individual: {
      via: "POST /openapi/v1/members/assignment/individual",
      call: async (client, context) =>
        unwrap(await client.POST("/openapi/v1/members/assignment/individual", exampleInit(context))),
    },
    members_assign_manual: {
      via: "POST /openapi/v1/members/assignment/manual",
      call: async (client, context) =>
        unwrap(await client.POST("/openapi/v1/members/assignment/manual", exampleInit(context))),
    },
    channels_list_paginated: {
      via: "iterateChannels()",
      readOnly: true,
      // The whole list: the mock pages by cursor and ends (live, a bounded walk of the real one).
      call: (client, context) => upTo(client.iterateChannels({ limit: 2, ...context.options }), LIST_CAP),
      check: walkedEveryPage("channels"),
      variants: [
        {
          via: "GET /openapi/v2/channels",
          call: async (client, context) =>
            unwrap(await client.GET("/openapi/v2/channels", exampleInit(context))),
        },
      ],
    },
    members_get: {
      via: "GET /openapi/v2/channels/{channel_id}/members/{member_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(
          await client.GET("/openapi/v2/channels/{channel_id}/members/{member_id}", exampleInit(context)),
        ),
    },
    members_close_conversation: {
      via: "POST /openapi/v2/channels/{channel_id}/members/{member_id}/close-conversation",
      call: async (client, context) =>
        unwrap(
          await client.POST(
            "/openapi/v2/channels/{channel_id}/members/{member_id}/close-conversation",
            exampleInit(context, { parseAs: "text" }),
          ),
        ),
    },
    teams_get_by_external_id: {
      via: "GET /openapi/v1/teams",
      readOnly: true,
      call: async (client, context) => unwrap(await client.GET("/openapi/v1/teams", exampleInit(context))),
    },
    teams_create: {
      via: "POST /openapi/v1/teams",
      call: async (client, context) => unwrap(await client.POST("/openapi/v1/teams", exampleInit(context))),
    },
    teams_get: {
      via: "GET /openapi/v1/teams/{team_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v1/teams/{team_id}", exampleInit(context))),
    },
    teams_update: {
      via: "PATCH /openapi/v1/teams/{team_id}",
      call: async (client, context) =>
        unwrap(await client.PATCH("/openapi/v1/teams/{team_id}", exampleInit(context))),
    },
    teams_add_users: {
      via: "POST /openapi/v1/teams/{team_id}/users",
      call: async (client, context) =>
        unwrap(await client.POST("/openapi/v1/teams/{team_id}/users", exampleInit(context))),
    },
    teams_list_paginated: {
      via: "iterateTeams()",
      readOnly: true,
      // The whole list: the mock pages by cursor and ends (live, a bounded walk of the real one).
      call: (client, context) => upTo(client.iterateTeams({ limit: 2, ...context.options }), LIST_CAP),
      check: walkedEveryPage("teams"),
      variants: [
        {
          via: "GET /openapi/v2/teams",
          call: async (client, context) =>
            unwrap(await client.GET("/openapi/v2/teams", exampleInit(context))),
        },
      ],
    },
    teams_get_by_team_id: {
      via: "GET /openapi/v2/teams/{team_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v2/teams/{team_id}", exampleInit(context))),
    },
    users_get_by_external_id: {
      via: "GET /openapi/v1/users",
      readOnly: true,
      call: async (client, context) => unwrap(await client.GET("/openapi/v1/users", exampleInit(context))),
    },
    users_get: {
      via: "GET /openapi/v1/users/{user_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v1/users/{user_id}", exampleInit(context))),
    },
    users_update: {
      via: "PATCH /openapi/v1/users/{user_id}",
      call: async (client, context) =>
        unwrap(await client.PATCH("/openapi/v1/users/{user_id}", exampleInit(context))),
    },
    users_list_paginated: {
      via: "iterateUsers()",
      readOnly: true,
      // The whole list: the mock pages by cursor and ends (live, a bounded walk of the real one).
      call: (client, context) => upTo(client.iterateUsers({ limit: 2, ...context.options }), LIST_CAP),
      check: walkedEveryPage("users"),
      variants: [
        {
          via: "GET /openapi/v2/users",
          call: async (client, context) =>
            unwrap(await client.GET("/openapi/v2/users", exampleInit(context))),
        },
      ],
    },
    users_get_by_user_id: {
      via: "GET /openapi/v2/users/{user_id}",
      readOnly: true,
      call: async (client, context) =>
        unwrap(await client.GET("/openapi/v2/users/{user_id}", exampleInit(context))),
    },
  },
  negatives: [
    {
      name: "limit above 1000 (the iterator refuses it, so the typed surface sends it)",
      operationId: "channels_list_paginated",
      status: 400,
      violation: /limit/,
      live: true,
      call: async (client) =>
        unwrap(await client.GET("/openapi/v2/channels", { params: { query: { limit: 5000 } } })),
    },
    {
      name: "backup without started_at, with a misspelt field",
      operationId: "backups_trigger",
      status: 400,
      violation: /required property 'started_at'[\s\S]*additional properties/,
      call: async (client) =>
        unwrap(
          await client.POST("/openapi/v1/messages/backups", {
            body: { ended_at: "2019-08-24T14:15:22Z", stared_at: "2019-08-24T14:15:22Z" } as never,
          }),
        ),
    },
    {
      name: "no apikey",
      operationId: "channels_list",
      status: 401,
      violation: /security/i,
      live: true,
      drop: ["apikey"],
      call: async (client) => unwrap(await client.GET("/openapi/v1/channels")),
    },
  ],
});
