import { describe, expect, it } from "vitest";
import { mentionedIds, mentionedPeople, segmentsOf } from "./mentions";

const ann = { id: "u-ann", name: "Ann" };
const anna = { id: "u-anna", name: "Anna Chan" };
const ming = { id: "u-ming", name: "李小明" };

describe("mentionedIds (composer text -> the API's mentions)", () => {
  it("finds each @Name once, in order, and ignores plain names and unknown @words", () => {
    expect(mentionedIds("@李小明 please call; cc @Ann and @Ann again, not Ann or @Bob", [ann, ming])).toEqual([
      "u-ming",
      "u-ann",
    ]);
  });

  it("takes the longest name at an @, and names with spaces", () => {
    expect(mentionedIds("@Anna Chan 請跟進", [ann, anna])).toEqual(["u-anna"]);
    expect(mentionedIds("@Ann 請跟進", [ann, anna])).toEqual(["u-ann"]);
  });

  it("reads Chinese text without spaces around the mention", () => {
    expect(mentionedIds("請@李小明致電客戶", [ming])).toEqual(["u-ming"]);
  });

  it("drops a mention whose @Name was edited away", () => {
    expect(mentionedIds("please call the client", [ann, ming])).toEqual([]);
  });
});

describe("segmentsOf (a stored comment -> text with highlighted mentions)", () => {
  it("cuts the body into plain runs and mentions", () => {
    expect(segmentsOf("@李小明 please call the client", [ming])).toEqual([
      { mention: ming },
      { text: " please call the client" },
    ]);
    expect(segmentsOf("cc @Anna Chan.", [anna])).toEqual([{ text: "cc " }, { mention: anna }, { text: "." }]);
  });

  it("leaves text alone when nobody is mentioned, and a lone @ plain", () => {
    expect(segmentsOf("mail me @ 5pm", [])).toEqual([{ text: "mail me @ 5pm" }]);
  });

  it("round-trips: the segments of a text name exactly its mentioned ids", () => {
    const text = "@Ann and @李小明: 報價";
    const ids = mentionedIds(text, [ann, ming, anna]);
    const people = mentionedPeople(ids, (id) => [ann, ming, anna].find((person) => person.id === id)?.name ?? "");
    expect(segmentsOf(text, people).flatMap((s) => ("mention" in s ? [s.mention.id] : []))).toEqual(ids);
  });
});

describe("mentionedPeople", () => {
  it("names a user no longer known by their id", () => {
    expect(mentionedPeople(["u-ann", "u-gone"], (id) => (id === "u-ann" ? "Ann" : ""))).toEqual([
      ann,
      { id: "u-gone", name: "u-gone" },
    ]);
  });
});
