import { describe, expect, it } from "vitest";
import type { Conversation } from "./agent.js";
import { HUMAN_HANDOVER, isHandover } from "./handover.js";
import { asksForHuman, createKnowledgeAgent } from "./knowledge-agent.js";
import { parseKnowledge } from "./knowledge-base.js";

const ask = (text: string | undefined): Conversation => {
  const messages = text === undefined ? [] : [{ sender_type: "member", text }];
  return {
    conversationId: 1,
    messages,
    participants: {},
    prompt: undefined,
    orgUuid: undefined,
    raw: {} as never,
  };
};
const signal = new AbortController().signal;

describe("parseKnowledge", () => {
  it("reads ## headings as questions and the text below as answers, ignoring the preamble", () => {
    expect(parseKnowledge("# Title\nintro\n## Q1?\nA1\n\nmore\n## Q2\nA2\n")).toEqual([
      { question: "Q1?", answer: "A1\n\nmore" },
      { question: "Q2", answer: "A2" },
    ]);
  });

  it("names the line of a question without an answer, and rejects a file without sections", () => {
    expect(() => parseKnowledge("## Q1\nA\n## Q2\n\n")).toThrow(/"Q2" \(line 3\) has no answer/);
    expect(() => parseKnowledge("just text")).toThrow(/no sections found/);
  });
});

describe("createKnowledgeAgent", () => {
  const agent = createKnowledgeAgent();

  it("answers from the closest section", async () => {
    expect(await agent(ask("When are you open?"), { signal })).toMatch(/Monday to Friday/);
    expect(await agent(ask("how long does delivery take"), { signal })).toMatch(/working days/);
    expect(await agent(ask("Can I pay with LINE Pay?"), { signal })).toMatch(/LINE Pay/);
  });

  it("hands over when nothing matches well enough", async () => {
    expect(await agent(ask("tell me a joke about cats"), { signal })).toContain(HUMAN_HANDOVER);
  });

  it("hands over when the customer asks for a person, in English, Chinese or Japanese", async () => {
    for (const text of [
      "Can I talk to a human?",
      "I want a real person",
      "operator please",
      "我要找真人客服",
      "オペレーターと話したい",
    ]) {
      expect(isHandover((await agent(ask(text), { signal })) as string), text).toBe(true);
      expect(asksForHuman(text)).toBe(true);
    }
    expect(asksForHuman("what are your opening hours")).toBe(false);
  });

  it("greets when the customer has not written yet", async () => {
    expect(await agent(ask(undefined), { signal })).toBe("Hello! How can I help you today?");
  });

  it("uses a custom knowledge file and threshold", async () => {
    const custom = createKnowledgeAgent({
      knowledge: "## Where is the office?\nTaipei, Xinyi district.",
      minConfidence: 0.9,
    });
    expect(await custom(ask("where is your office"), { signal })).toBe("Taipei, Xinyi district.");
    expect(await custom(ask("where is your warehouse"), { signal })).toContain(HUMAN_HANDOVER);
  });
});
