// Generates request bodies from the spec's JSON Schema: valid samples (positive data) and
// mutations that break one rule each (negative data), in the manner of Schemathesis. Works on
// the dereferenced schema, so it follows the spec when the spec changes. A small seeded PRNG
// (mulberry32) draws the choices, so the same seed gives the same requests.

/** A deterministic random source. */
export type Random = {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** `n` lowercase hex digits. */
  hex(n: number): string;
};

/** Creates a PRNG from a 32-bit seed. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  return {
    next,
    int,
    pick: <T>(items: readonly T[]) => items[int(0, items.length - 1)] as T,
    hex: (n) => Array.from({ length: n }, () => int(0, 15).toString(16)).join(""),
  };
}

/** The subset of JSON Schema the request schema uses. */
export type Schema = {
  type?: string | readonly string[];
  properties?: Readonly<Record<string, Schema>>;
  required?: readonly string[];
  items?: Schema;
  const?: unknown;
  enum?: readonly unknown[];
  format?: string;
  minimum?: number;
  example?: unknown;
};

const WORDS = [
  "order",
  "shipping",
  "refund",
  "hours",
  "price",
  "product",
  "hello",
  "help",
  "delivery",
  "payment",
  "return",
];

/** A valid value for `schema`; integers with a minimum stay above it so samples are ordinary requests. */
export function sample(schema: Schema, random: Random): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  switch (primaryType(schema)) {
    case "object": {
      const required = new Set(schema.required ?? []);
      const out: Record<string, unknown> = {};
      for (const [name, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(name) || random.next() < 0.7) out[name] = sample(property, random);
      }
      return out;
    }
    case "array":
      return Array.from({ length: random.int(1, 3) }, () => sample(schema.items ?? {}, random));
    case "integer":
      return (schema.minimum ?? 0) + random.int(1, 999_999);
    case "number":
      return (schema.minimum ?? 0) + 1 + random.next() * 1000;
    case "boolean":
      return random.next() < 0.5;
    case "string":
      return sampleString(schema, random);
    default:
      return null;
  }
}

function sampleString(schema: Schema, random: Random): string {
  if (schema.format === "uuid") {
    const h = random.hex(32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }
  if (schema.format === "date-time") {
    return new Date(Date.UTC(2025, 0, 1) + random.int(0, 365 * 86_400) * 1000)
      .toISOString()
      .replace(".000", "");
  }
  if (typeof schema.example === "string" && random.next() < 0.5) return schema.example;
  return Array.from({ length: random.int(1, 6) }, () => random.pick(WORDS)).join(" ");
}

function primaryType(schema: Schema): string | undefined {
  if (typeof schema.type === "string") return schema.type;
  if (schema.type) return schema.type.find((type) => type !== "null");
  if (schema.properties) return "object";
  return undefined;
}

/**
 * One invalid request: what was broken, and the body. `formatOnly` marks a mutation that breaks
 * nothing but a JSON Schema `format` (a `message_uuid` that is not a UUID, a `timestamp` without
 * a zone): a tolerant reader answers those, so they are not negative data for verify-agent.
 */
export type Mutation = { description: string; body: unknown; formatOnly: boolean };

/** A value of a different JSON type than `schema` allows. */
function wrongType(schema: Schema): unknown {
  switch (primaryType(schema)) {
    case "string":
      return 12345;
    case "integer":
    case "number":
      return "not a number";
    case "array":
      return { not: "an array" };
    case "object":
      return ["not", "an", "object"];
    case "boolean":
      return "not a boolean";
    default:
      return undefined;
  }
}

/** A value of the right type that breaks `schema`'s constraint, when it has one. */
function negatedConstraint(schema: Schema): { rule: string; value: unknown } | undefined {
  if (typeof schema.const === "string") {
    const version = /^(\d+)\.(\d+)$/.exec(schema.const);
    return {
      rule: `const ${JSON.stringify(schema.const)}`,
      value: version ? `${Number(version[1]) + 1}.0` : `${schema.const}-x`,
    };
  }
  if (schema.minimum !== undefined) return { rule: `minimum ${schema.minimum}`, value: schema.minimum - 1 };
  if (schema.format === "uuid") return { rule: "format uuid", value: "not-a-uuid" };
  if (schema.format === "date-time") return { rule: "format date-time", value: "yesterday at noon" };
  return undefined;
}

/**
 * Mutations of a valid body, each breaking one rule: a required property removed, a property's
 * type changed, a constraint negated — at the top level and one level into arrays and objects.
 */
export function mutations(schema: Schema, valid: Record<string, unknown>): Mutation[] {
  const out: Mutation[] = [
    { description: "body is an array, not an object", body: [], formatOnly: false },
    { description: "body is null", body: null, formatOnly: false },
  ];
  for (const name of schema.required ?? []) {
    const { [name]: _removed, ...rest } = valid;
    out.push({ description: `required property ${name} removed`, body: rest, formatOnly: false });
  }
  const visit = (path: string, target: Schema, set: (value: unknown) => unknown, depth: number) => {
    const changed = wrongType(target);
    if (changed !== undefined)
      out.push({ description: `${path} has the wrong type`, body: set(changed), formatOnly: false });
    const negated = negatedConstraint(target);
    if (negated) {
      const description = `${path} breaks ${negated.rule}`;
      out.push({ description, body: set(negated.value), formatOnly: negated.rule.startsWith("format ") });
    }
    if (depth > 0) return;
    if (primaryType(target) === "array" && target.items) {
      const items = target.items;
      visit(`${path}[0]`, items, (value) => set([value]), depth + 1);
      for (const [name, property] of Object.entries(items.properties ?? {})) {
        const item = sample(items, fixedRandom) as Record<string, unknown>;
        visit(`${path}[0].${name}`, property, (value) => set([{ ...item, [name]: value }]), depth + 1);
      }
    } else if (primaryType(target) === "object") {
      for (const [name, property] of Object.entries(target.properties ?? {})) {
        visit(`${path}.${name}`, property, (value) => set({ [name]: value }), depth + 1);
      }
    }
  };
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    visit(name, property, (value) => ({ ...valid, [name]: value }), 0);
  }
  return out;
}

// Nested items in mutations only need to be valid apart from the broken field; a fixed source keeps
// the list of mutations independent of the seed.
const fixedRandom: Random = {
  next: () => 0.5,
  int: (min) => min,
  pick: <T>(items: readonly T[]) => items[0] as T,
  hex: (n) => "a".repeat(n),
};
