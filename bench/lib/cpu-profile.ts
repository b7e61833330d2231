/** Summarises a V8 `.cpuprofile`: self time and inclusive time per function, by source location. */
import { readFileSync } from "node:fs";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** One function's share of the profile. */
export interface FunctionCost {
  name: string;
  /** Percentage of all samples spent in the function itself. */
  selfPercent: number;
  /** Percentage of all samples with the function anywhere on the stack. */
  totalPercent: number;
}

function label(node: ProfileNode, root: string): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url.replace(/^file:\/\//, "").replace(root, "");
  return `${functionName || "(anonymous)"} ${file ? `${file}:${lineNumber + 1}` : ""}`.trim();
}

/** Reads `path` and returns per-function costs, heaviest self time first. */
export function summarise(
  path: string,
  root: string,
): { costs: FunctionCost[]; idlePercent: number; profileMs: number } {
  const profile = JSON.parse(readFileSync(path, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  let idle = 0;
  for (const id of profile.samples) {
    const node = byId.get(id);
    if (!node) continue;
    const name = label(node, root);
    if (node.callFrame.functionName === "(idle)") idle++;
    self.set(name, (self.get(name) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const frameName = label(frame, root);
      if (seen.has(frameName)) continue;
      seen.add(frameName);
      total.set(frameName, (total.get(frameName) ?? 0) + 1);
    }
  }
  const count = profile.samples.length || 1;
  const costs = [...total.keys()].map((name) => ({
    name,
    selfPercent: ((self.get(name) ?? 0) * 100) / count,
    totalPercent: ((total.get(name) ?? 0) * 100) / count,
  }));
  costs.sort((a, b) => b.selfPercent - a.selfPercent);
  const profileMs = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0) / 1000;
  return { costs, idlePercent: (idle * 100) / count, profileMs };
}
