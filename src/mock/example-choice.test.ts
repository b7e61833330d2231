import { describe, expect, it } from "vitest";
import { splitEvents } from "./event-stream-pacing.js";
import { exampleForQuery, formatPrefer, matchesQuery, parsePrefer } from "./example-choice.js";
import type { MockExample, MockRoute } from "./spec-routes.js";

/** A route whose 200 JSON examples are `examples` (start/limit paging, as a spec would declare it). */
function routeWith(examples: MockExample[]): MockRoute {
  return {
    operationId: "documents_list",
    method: "GET",
    path: "/repositories/{id}/documents",
    matchPath: () => ({}),
    examples: (status, media) => (status === "200" && media === "application/json" ? examples : []),
  };
}
const page = (name: string, match?: MockExample["match"]): MockExample => ({
  name,
  value: {},
  match,
  stall: false,
});

describe("example choice", () => {
  it("parses and formats Prefer directives, keeping their order", () => {
    const prefer = parsePrefer("code=200, Example=page_2,dynamic");
    expect([...prefer]).toEqual([
      ["code", "200"],
      ["example", "page_2"],
      ["dynamic", ""],
    ]);
    expect(formatPrefer(prefer)).toBe("code=200, example=page_2, dynamic");
    expect(formatPrefer(parsePrefer(undefined))).toBeUndefined();
  });

  it("matches every listed parameter, or any entry of a list", () => {
    const query = new URLSearchParams("start=2&limit=2");
    expect(matchesQuery({ start: "2" }, query)).toBe(true);
    expect(matchesQuery({ start: "2", limit: "50" }, query)).toBe(false);
    expect(matchesQuery([{ after: "c2" }, { start: "2" }], query)).toBe(true);
  });

  it("chooses the page a start offset asks for; none for the first page or an unknown offset", () => {
    const route = routeWith([page("page_1"), page("page_2", { start: "2" }), page("page_3", { start: "4" })]);
    const choose = (search: string, prefer = "") =>
      exampleForQuery(route, new URLSearchParams(search), parsePrefer(prefer));
    expect(choose("start=4&limit=2")).toBe("page_3");
    expect(choose("start=0")).toBeUndefined();
    expect(choose("start=99")).toBeUndefined();
    expect(choose("start=4", "example=seed")).toBeUndefined();
    expect(choose("start=4", "code=200")).toBe("page_3");
    expect(choose("start=4", "code=404")).toBeUndefined();
  });

  it("splits an SSE body into its events, CRLF and an unterminated last one included", () => {
    expect(splitEvents('data: {"chunk": "a"}\n\ndata: b\r\n\r\ndata: [DONE]\n\n\n')).toEqual([
      'data: {"chunk": "a"}\n\n',
      "data: b\r\n\r\n",
      "data: [DONE]\n\n",
    ]);
    expect(splitEvents("data: a\n\ndata: cut")).toEqual(["data: a\n\n", "data: cut"]);
  });
});
