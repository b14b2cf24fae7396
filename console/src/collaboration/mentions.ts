/**
 * A comment's @mentions: the composer's text names people as "@Name", the API takes their ids
 * (`mentions`), and a stored comment is shown with each mentioned "@Name" highlighted. Both directions
 * read the text the same way: at each "@", the longest name of the given people that follows it.
 */

export interface Person {
  id: string;
  name: string;
}

export type Segment = { text: string } | { mention: Person };

/** The text cut into plain runs and mentions of `people` (longest name first, so "@Ann" never takes "@Anna"). */
export function segmentsOf(text: string, people: readonly Person[]): Segment[] {
  const candidates = people.filter((person) => person.name).sort((a, b) => b.name.length - a.name.length);
  const segments: Segment[] = [];
  let plain = "";
  let position = 0;
  while (position < text.length) {
    const found =
      text[position] === "@" ? candidates.find((person) => text.startsWith(person.name, position + 1)) : undefined;
    if (found) {
      if (plain) segments.push({ text: plain });
      plain = "";
      segments.push({ mention: found });
      position += found.name.length + 1;
    } else {
      plain += text[position];
      position += 1;
    }
  }
  if (plain) segments.push({ text: plain });
  return segments;
}

/** The ids of the people the text mentions, in order of first mention, each once (the API's `mentions`). */
export function mentionedIds(text: string, people: readonly Person[]): string[] {
  const ids = segmentsOf(text, people).flatMap((segment) => ("mention" in segment ? [segment.mention.id] : []));
  return [...new Set(ids)];
}

/** The people a stored comment mentions, by id; one no longer known keeps their id as the name. */
export function mentionedPeople(mentions: readonly string[], nameOf: (id: string) => string): Person[] {
  return mentions.map((id) => ({ id, name: nameOf(id) || id }));
}
