// createAgentHandler answering a CAAC-shaped request in-process (Web Request → Response), as on a
// Worker, Bun.serve or Deno.serve: one valid request and one the spec rejects.
import { createAgentHandler } from "chat-agent-apis/caac-agent";

export async function exerciseAgentHandler() {
  const handler = createAgentHandler({ token: "t0ken-for-consumer", agent: () => "hello from the agent" });
  const body = {
    conversation_id: 7,
    messages: [{ text: "hi", timestamp: "2025-05-21T05:06:00Z" }],
    participants: { members: [] },
    version: "1.0",
  };
  const post = (payload) =>
    handler(
      new Request("http://agent.test/caac/ai-agent", {
        method: "POST",
        headers: { authorization: "Bearer t0ken-for-consumer", "content-type": "application/json" },
        body: JSON.stringify(payload),
      }),
    );
  const ok = await post(body);
  const bad = await post({ ...body, version: "2.0" });
  return { ok: [ok.status, await ok.json()], bad: bad.status };
}
