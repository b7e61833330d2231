/**
 * What the collector did in a server process since the last reset: pause time and count of
 * scavenges (young generation) and mark-compacts (old generation), from PerformanceObserver 'gc'
 * entries, plus the old generation's size now. Objects that outlive a request get promoted, which
 * shows as more scavenge time and as mark-compacts; a server that retains nothing per request
 * (bare node:http) does few of either. Read per 1,000 requests by the load side.
 */
import { constants, PerformanceObserver } from "node:perf_hooks";
import v8 from "node:v8";

/** Counters sent to the parent over IPC. */
export interface GcStats {
  scavenges: number;
  scavengeMs: number;
  markCompacts: number;
  markCompactMs: number;
  /** Longest single pause. */
  maxPauseMs: number;
  /** Old space in use now (after the load), bytes. */
  oldSpaceBytes: number;
}

const zero = (): Omit<GcStats, "oldSpaceBytes"> => ({
  scavenges: 0,
  scavengeMs: 0,
  markCompacts: 0,
  markCompactMs: 0,
  maxPauseMs: 0,
});
let counters = zero();

const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind;
    counters.maxPauseMs = Math.max(counters.maxPauseMs, entry.duration);
    if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
      counters.markCompacts++;
      counters.markCompactMs += entry.duration;
    } else if (kind === constants.NODE_PERFORMANCE_GC_MINOR) {
      counters.scavenges++;
      counters.scavengeMs += entry.duration;
    }
  }
});
observer.observe({ entryTypes: ["gc"] });

/** Starts counting afresh (after the warm-up). */
export function resetGcStats(): void {
  counters = zero();
}

/** The counters since the last reset. */
export function gcStats(): GcStats {
  const old = v8.getHeapSpaceStatistics().find((space) => space.space_name === "old_space");
  return { ...counters, oldSpaceBytes: old?.space_used_size ?? 0 };
}
