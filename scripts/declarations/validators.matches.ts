// Compile-time guard, checked by `npx tsc -p tsconfig.json` (so by `npm test`): each hand-written
// declaration beside this file must describe its generated module exactly where the runtime uses it.
import type * as CaacAgentGenerated from "../../generated/caac-agent.validators.js";
import type * as ChatAIBotWebhookGenerated from "../../generated/chataibot-webhook.validators.js";
import type * as CaacAgentPublished from "./caac-agent.validators.js";
import type * as ChatAIBotWebhookPublished from "./chataibot-webhook.validators.js";

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const publishedValidatorsMatchGenerated: [
  Same<CaacAgentPublished.Validator, CaacAgentGenerated.Validator>,
  Same<typeof CaacAgentPublished.validators, typeof CaacAgentGenerated.validators>,
  Same<ChatAIBotWebhookPublished.Validator, ChatAIBotWebhookGenerated.Validator>,
  Same<
    typeof ChatAIBotWebhookPublished.payloadValidators,
    typeof ChatAIBotWebhookGenerated.payloadValidators
  >,
] = [true, true, true, true];
