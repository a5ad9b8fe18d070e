/** Slack's message limits (AWS-FACTS.md "Slack"); the renderer folds anything beyond them into "and N more". */
export const SLACK_LIMITS = {
  blocks: 50,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  topLevelText: 40000,
  headerText: 150,
  contextElements: 10,
} as const;

/** Cuts `text` to `max` characters, marking the cut, never splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '…';
  let end = max - marker.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, Math.max(0, end)) + marker;
}
