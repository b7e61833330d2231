// Compile-time guard, checked by `npx tsc -p tsconfig.json` (so by `npm test`): the hand-written
// declaration beside this file must describe the generated module exactly where the runtime uses it.
import type * as Generated from "../../generated/caac-agent.validators.js";
import type * as Published from "./caac-agent.validators.js";

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

export const publishedValidatorsMatchGenerated: [
  Same<Published.Validator, Generated.Validator>,
  Same<typeof Published.validators, typeof Generated.validators>,
] = [true, true];
