// The published declaration of dist/generated/caac-agent.validators.js, which scripts/build copies
// over the one tsc emits. tsc declares every function of Ajv's standalone code from its destructured
// defaults, and those declarations fail type-checking in a consumer without `skipLibCheck`
// (`parentData` does not exist …). This states only the typed surface the runtime imports;
// validators.matches.ts fails the type-check if it drifts from the generated module.
import type { ErrorObject } from "ajv";

/** A compiled validator: returns whether `data` is valid and leaves Ajv's errors on `.errors`. */
export type Validator = ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };

/**
 * `request`: the structural check (what must be rejected; stops at the first error).
 * `requestStrict`: the spec as written, unknown properties included (its errors are drift).
 * `responses`: one validator per documented "status media-type" response.
 */
export declare const validators: {
  request: Validator;
  requestStrict: Validator;
  responses: Readonly<Record<string, Validator>>;
};
