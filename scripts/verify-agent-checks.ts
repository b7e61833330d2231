// Rewrites the verify-agent check list in docs/caac-agent.md from the check registry
// (src/caac-agent/verify/checks.ts), so the list is stated once. src/caac-agent/verify/checks.test.ts
// fails when the docs and the registry differ.
import { readFileSync, writeFileSync } from "node:fs";
import { withCheckList } from "../src/caac-agent/verify/checks.js";

const path = "docs/caac-agent.md";
writeFileSync(path, withCheckList(readFileSync(path, "utf8")));
process.stdout.write(`${path}: verify-agent check list updated\n`);
