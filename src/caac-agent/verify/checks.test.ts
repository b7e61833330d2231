import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CHECK_LIST_MARKERS, CHECKS, checkListMarkdown, withCheckList } from "./checks.js";

const docs = () => readFileSync(new URL("../../../docs/caac-agent.md", import.meta.url), "utf8");

describe("the check list", () => {
  it("renders one Markdown bullet per check, in registry order, with tags in code spans", () => {
    const lines = checkListMarkdown().split("\n");
    expect(lines.map((line) => /^- `(\w+)`: /.exec(line)?.[1])).toEqual(Object.keys(CHECKS));
    expect(lines.at(-1)).toContain("exactly `<HUMAN_HANDOVER>` (not `<HUMAN HANDOVER>`");
  });

  it("is the one in docs/caac-agent.md (run `npx tsx scripts/verify-agent-checks.ts` to update it)", () => {
    const text = docs();
    expect(text).toContain(CHECK_LIST_MARKERS.start);
    expect(text, "docs/caac-agent.md's check list differs from the registry").toBe(withCheckList(text));
  });

  it("refuses a document without the markers", () => {
    expect(() => withCheckList("# no list here")).toThrow(/no verify-agent check-list markers/);
  });
});
