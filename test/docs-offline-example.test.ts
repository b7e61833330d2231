// The vitest setup and test in docs/mocks-and-contract.md ("Testing your integration offline")
// type-check as a user's project would compile them: the package's public names (mapped to
// src/), the repository's strict compiler options. Without the `ProvidedContext` declaration the
// same files fail with TS2345, which is why the guide carries it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const guide = readFileSync(join(root, "docs/mocks-and-contract.md"), "utf8");
const section = guide.slice(guide.indexOf("## Testing your integration offline"));
const blocks = [...section.matchAll(/```ts\n(\/\/ ([\w.-]+\.ts)[^\n]*\n[\s\S]*?)```/g)].map((m) => ({
  name: m[2] ?? "",
  code: m[1] ?? "",
}));
const scratch = join(root, ".tmp", `docs-offline-example-${process.pid}`);

/** Type-checks `files` (name → code) in the scratch directory; the diagnostics, one line each. */
function typecheck(files: Array<{ name: string; code: string }>): string[] {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const file of files) writeFileSync(join(scratch, file.name), file.code);
  const config = ts.parseJsonConfigFileContent(
    ts.readConfigFile(join(root, "tsconfig.json"), ts.sys.readFile).config,
    ts.sys,
    root,
  );
  const options: ts.CompilerOptions = {
    ...config.options,
    noEmit: true,
    baseUrl: root,
    paths: { "chat-agent-apis": ["src/index.ts"], "chat-agent-apis/*": ["src/*/index.ts"] },
  };
  const program = ts.createProgram(
    files.map((file) => join(scratch, file.name)),
    options,
  );
  // Only the example files are checked (their imports are resolved and typed, not re-checked
  // in full: the repository's own type-check does that), which keeps this test to a few seconds.
  const diagnostics = [
    ...program.getOptionsDiagnostics(),
    ...program.getGlobalDiagnostics(),
    ...files.flatMap((file) => {
      const source = program.getSourceFile(join(scratch, file.name));
      return source
        ? [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]
        : [];
    }),
  ];
  return diagnostics.map(
    (d) =>
      `${d.file ? d.file.fileName.replace(`${scratch}/`, "") : ""} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`,
  );
}

describe("the offline testing example in docs/mocks-and-contract.md", () => {
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  // Type-checking takes seconds on a busy machine: a generous bound.
  it("has the vitest setup and a test, and both type-check strictly", { timeout: 60_000 }, () => {
    expect(blocks.map((b) => b.name)).toEqual(["vitest.setup.ts", "offline.test.ts"]);
    expect(typecheck(blocks)).toEqual([]);
  });

  it("fails with TS2345 without the ProvidedContext declaration", { timeout: 60_000 }, () => {
    const withoutDeclaration = blocks.map((b) => ({
      ...b,
      code: b.code.replace(/declare module "vitest" \{[\s\S]*?\n\}\n/, ""),
    }));
    expect(withoutDeclaration[0]?.code).not.toContain("ProvidedContext");
    expect(typecheck(withoutDeclaration).join("\n")).toMatch(/TS2345/);
  });
});
