// The APIs of this package, read from redocly.yaml's `apis` (its order is kept): the one place an
// API is declared. Each entry needs `root: specs/<api>/openapi.yaml` and `x-mock-port` (the mock's
// fixed default port); `x-bundle-module: true` also generates generated/<api>.bundle.ts, for an
// API whose runtime code imports its spec. scripts/generate writes generated/apis.ts from this, so
// runtime code never reads the YAML. Run directly, it prints the API names, one a line (for bash).
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parse } from "yaml";

export interface ApiEntry {
  /** The API's name: its folder under specs/ and its key in redocly.yaml. */
  name: string;
  /** Its spec, `specs/<name>/openapi.yaml`. */
  root: string;
  /** The mock's fixed default port. */
  mockPort: number;
  /** Whether generated/<name>.bundle.ts is written (runtime code imports it). */
  bundleModule: boolean;
}

/** Reads and checks the `apis` of `configPath`; throws naming the entry and the rule it breaks. */
export function readApiList(configPath = "redocly.yaml"): ApiEntry[] {
  const config = parse(readFileSync(configPath, "utf8")) as { apis?: Record<string, unknown> } | null;
  const apis = config?.apis;
  if (!apis || typeof apis !== "object" || Object.keys(apis).length === 0)
    throw new Error(`${configPath}: \`apis\` must list at least one API`);
  const entries: ApiEntry[] = [];
  const ports = new Map<number, string>();
  for (const [name, value] of Object.entries(apis)) {
    const where = `${configPath}: apis.${name}`;
    if (!/^[a-z][a-z0-9-]*$/.test(name))
      throw new Error(`${where}: the name must be kebab-case (it names the folder under specs/)`);
    const entry = (value ?? {}) as Record<string, unknown>;
    const root = `specs/${name}/openapi.yaml`;
    if (entry.root !== root) throw new Error(`${where}.root must be ${root} (found ${String(entry.root)})`);
    const mockPort = entry["x-mock-port"];
    if (typeof mockPort !== "number" || !Number.isInteger(mockPort) || mockPort < 1024 || mockPort > 65535)
      throw new Error(`${where}.x-mock-port must be an integer port from 1024 to 65535 (the mock's default)`);
    const taken = ports.get(mockPort);
    if (taken) throw new Error(`${where}.x-mock-port ${mockPort} is already apis.${taken}'s`);
    ports.set(mockPort, name);
    const bundleModule = entry["x-bundle-module"] ?? false;
    if (typeof bundleModule !== "boolean") throw new Error(`${where}.x-bundle-module must be true or false`);
    entries.push({ name, root, mockPort, bundleModule });
  }
  return entries;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const api of readApiList()) console.log(api.name);
}
