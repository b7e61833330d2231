// Type-checked by tsconfig.browser.json: a browser project has the DOM lib and no Node types, so
// the client entry points must not need `node:` types (Buffer, NodeJS.*) in their declarations.
import * as root from "chat-agent-apis";
import * as caac from "chat-agent-apis/caac";
import * as cavuer from "chat-agent-apis/cavuer";
import * as chataibot from "chat-agent-apis/chataibot";
import * as fifthelement from "chat-agent-apis/fifthelement";

export const clientEntryPoints = [root, caac, cavuer, chataibot, fifthelement];

export async function inThePage(): Promise<string> {
  const client = fifthelement.createFifthElementClient({ apiKey: "key", baseUrl: location.origin });
  const reply = await client.chat("support", { message: "Hours?" });
  const hash = await cavuer.computeUserHash("user-42", "secret");
  return `${reply.response} ${hash}`;
}
