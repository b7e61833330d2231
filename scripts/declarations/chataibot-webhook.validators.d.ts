// The published declaration of dist/generated/chataibot-webhook.validators.js, which scripts/build
// copies over the one tsc emits (see caac-agent.validators.d.ts for why); validators.matches.ts
// fails the type-check if it drifts from the generated module.
import type { ErrorObject } from "ajv";

/** A compiled validator: returns whether `data` is valid and leaves Ajv's errors on `.errors`. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/** One payload validator per event type the receiver types. */
export declare const payloadValidators: Readonly<
  Record<"conversation_create" | "message_exchange", Validator>
>;
