// Runs in every runtime the package claims (Node, Bun, Deno, a browser): the Fifth Element client's
// JSON reply, its stream and a typed error against the local vendor server, and the Cavuer identity
// helpers (WebCrypto). Imports the package by its public names only, as a user's code would.
import { NotFoundError } from "chat-agent-apis";
import { computeUserHash, verifyUserHash } from "chat-agent-apis/cavuer";
import { createFifthElementClient } from "chat-agent-apis/fifthelement";

/** What each step produced, for the test to compare with what the server sent. */
export async function exerciseClients(baseUrl) {
  const client = createFifthElementClient({ apiKey: "fe_consumer_key", baseUrl, maxRetries: 0 });
  const reply = await client.chat("support", { message: "Hours?" });
  const chunks = [];
  for await (const chunk of client.chatStream("support", { message: "Stream it" })) chunks.push(chunk);
  const failure = await client.chat("missing", { message: "hi" }).catch((error) => error);
  const userHash = await computeUserHash("user-42", "widget-secret");
  return {
    reply: reply.response,
    chunks,
    error: {
      isNotFoundError: failure instanceof NotFoundError,
      name: failure?.name,
      status: failure?.status,
      message: failure?.message,
    },
    userHash,
    verifies: await verifyUserHash("user-42", userHash, "widget-secret"),
    rejectsForgery: !(await verifyUserHash("user-42", "0".repeat(64), "widget-secret")),
  };
}
