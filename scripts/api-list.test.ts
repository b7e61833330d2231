import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { APIS, MOCK_PORTS } from "../generated/apis.js";
import { readApiList } from "./api-list.js";

function configWith(apis: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "api-list-")), "redocly.yaml");
  writeFileSync(path, `apis:\n${apis}`);
  return path;
}

describe("readApiList (redocly.yaml's apis)", () => {
  it("lists every spec under specs/, so a new spec without its entry is noticed", () => {
    const specFolders = readdirSync("specs", { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    expect(
      readApiList()
        .map((api) => api.name)
        .sort(),
    ).toEqual(specFolders.sort());
  });

  it("is what generated/apis.ts carries (npm run generate writes one from the other)", () => {
    const apis = readApiList();
    expect(APIS).toEqual(apis.map((api) => api.name));
    expect(MOCK_PORTS).toEqual(Object.fromEntries(apis.map((api) => [api.name, api.mockPort])));
  });

  it("reads each entry's spec, mock port and bundle flag in the file's order", () => {
    const path = configWith(
      "  b:\n    root: specs/b/openapi.yaml\n    x-mock-port: 4020\n    x-bundle-module: true\n" +
        "  a:\n    root: specs/a/openapi.yaml\n    x-mock-port: 4021\n",
    );
    expect(readApiList(path)).toEqual([
      { name: "b", root: "specs/b/openapi.yaml", mockPort: 4020, bundleModule: true },
      { name: "a", root: "specs/a/openapi.yaml", mockPort: 4021, bundleModule: false },
    ]);
  });

  it.each([
    [
      "no x-mock-port",
      "  a:\n    root: specs/a/openapi.yaml\n",
      /apis\.a\.x-mock-port must be an integer port/,
    ],
    [
      "a port taken twice",
      "  a:\n    root: specs/a/openapi.yaml\n    x-mock-port: 4020\n  b:\n    root: specs/b/openapi.yaml\n    x-mock-port: 4020\n",
      /apis\.b\.x-mock-port 4020 is already apis\.a's/,
    ],
    [
      "a spec elsewhere",
      "  a:\n    root: specs/other/openapi.yaml\n    x-mock-port: 4020\n",
      /apis\.a\.root must be specs\/a\/openapi\.yaml \(found specs\/other\/openapi\.yaml\)/,
    ],
    [
      "a name that is not kebab-case",
      "  Foo_Bar:\n    root: specs/Foo_Bar/openapi.yaml\n",
      /apis\.Foo_Bar: the name must be kebab-case/,
    ],
    [
      "a non-boolean bundle flag",
      "  a:\n    root: specs/a/openapi.yaml\n    x-mock-port: 4020\n    x-bundle-module: yes please\n",
      /apis\.a\.x-bundle-module must be true or false/,
    ],
  ])("rejects %s, naming the entry and the rule", (_case, apis, message) => {
    expect(() => readApiList(configWith(apis))).toThrow(message);
  });

  it("rejects a config without apis", () => {
    expect(() => readApiList(configWith(""))).toThrow(/`apis` must list at least one API/);
  });
});
