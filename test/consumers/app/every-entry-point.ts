// Type-checked from the installed tarball under each tsconfig.*.json beside it (skipLibCheck off):
// a namespace import of every public subpath loads all of its declarations, and the typed calls
// below are what a user writes first. Compiled with noEmit; never run.
import * as root from "chat-agent-apis";
import * as caac from "chat-agent-apis/caac";
import * as caacAgent from "chat-agent-apis/caac-agent";
import * as caacAgentRedis from "chat-agent-apis/caac-agent/redis";
import * as cavuer from "chat-agent-apis/cavuer";
import * as widgetTestServer from "chat-agent-apis/cavuer/widget-test-server";
import * as chataibot from "chat-agent-apis/chataibot";
import * as fifthelement from "chat-agent-apis/fifthelement";
import * as mock from "chat-agent-apis/mock";

export const entryPoints = [
  root,
  caac,
  caacAgent,
  caacAgentRedis,
  cavuer,
  widgetTestServer,
  chataibot,
  fifthelement,
  mock,
];

export async function firstSteps(): Promise<string> {
  const client = fifthelement.createFifthElementClient({
    apiKey: "key",
    baseUrl: "https://acme.example/v1/api",
  });
  const reply: fifthelement.ChatReply = await client.chat("support", { message: "Hours?" });
  for await (const chunk of client.chatStream("support", { message: "Hours?" })) console.log(chunk.length);
  const failure: unknown = await client.chat("missing", { message: "hi" }).catch((e: unknown) => e);
  caac.createCaacClient({ apiKey: "key", baseUrl: caac.CAAC_BASE_URLS.jp });
  if (failure instanceof root.NotFoundError) return failure.message;
  const handler: (request: Request) => Promise<Response> = caacAgent.createAgentHandler({
    token: "token",
    agent: (conversation) => `you said ${caacAgent.latestMemberText(conversation) ?? "nothing"}`,
  });
  await handler(
    new Request("http://agent.test/", { method: "POST", headers: { authorization: "Bearer token" } }),
  );
  const hash: string = await cavuer.computeUserHash("user-42", "secret");
  const mocks: mock.Mocks = await mock.startMocks({ apis: ["caac-agent"] });
  await mocks.stop();
  chataibot.createChatAIBotClient({ apiKey: "key" });
  return `${reply.response} ${hash}`;
}
