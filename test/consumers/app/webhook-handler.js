// The ChatAIBot Events webhook receiver answering in-process (Web Request → Response), as on
// Bun.serve or Deno.serve: the handshake, a wrong token, and one delivery handed to onEvent.
import { createChatAIBotWebhookHandler } from "chat-agent-apis/chataibot";

export async function exerciseWebhookHandler() {
  const received = [];
  const handler = createChatAIBotWebhookHandler({
    token: "whk_consumer_token",
    onEvent: (event) => {
      received.push([event.type, event.typed]);
    },
  });
  const post = (body) =>
    handler(
      new Request("http://receiver.test/chataibot/events", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  const handshake = await post({ token: "whk_consumer_token" });
  const wrongToken = await post({ token: "not-the-token" });
  const delivery = await post({
    token: "whk_consumer_token",
    events: [{ event: { type: "status_change", payload: { status: "closed" } } }],
  });
  return {
    handshake: [handshake.status, await handshake.json()],
    wrongToken: wrongToken.status,
    delivery: [delivery.status, await delivery.json()],
    received,
  };
}
