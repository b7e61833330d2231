import { describe, expect, it } from "vitest";
import { requestExamples, requestSchema, validateRequest, validateRequestStrict } from "../spec.js";
import { createRandom, mutations, type Schema, sample } from "./sample.js";

const schema = requestSchema as Schema;

describe("sample and mutations", () => {
  it("generates valid requests, the same ones for the same seed", () => {
    for (let seed = 0; seed < 200; seed++) {
      const body = sample(schema, createRandom(seed));
      expect(validateRequest(body), JSON.stringify(validateRequest.errors)).toBe(true);
      expect(sample(schema, createRandom(seed))).toEqual(body);
    }
  });

  it("breaks exactly the rule each mutation names, and covers the spec's rules", () => {
    const list = mutations(schema, requestExamples.seed.value as unknown as Record<string, unknown>);
    for (const mutation of list)
      expect(validateRequestStrict(mutation.body), mutation.description).toBe(false);
    const names = list.map((mutation) => mutation.description);
    expect(names).toContain("required property version removed");
    expect(names).toContain('version breaks const "1.0"');
    expect(names).toContain("conversation_id breaks minimum 0");
    expect(names).toContain("messages[0].text has the wrong type");
    expect(list.find((m) => m.description.startsWith("version breaks"))?.body).toMatchObject({
      version: "2.0",
    });
  });

  it("marks as format-only exactly the mutations whose only violations are JSON Schema formats", () => {
    const list = mutations(schema, requestExamples.seed.value as unknown as Record<string, unknown>);
    for (const mutation of list) {
      validateRequest(mutation.body);
      const onlyFormats = (validateRequest.errors ?? []).every((error) => error.keyword === "format");
      expect(mutation.formatOnly, mutation.description).toBe(onlyFormats);
    }
    expect(list.filter((m) => m.formatOnly).map((m) => m.description)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/breaks format uuid$/),
        expect.stringMatching(/breaks format date-time$/),
      ]),
    );
  });
});
