/** The values a template's `{{placeholders}}` take. */
export type TemplateValues = Partial<
  Record<"tag" | "ticketNumber" | "subject" | "customerName" | "link" | "reason" | "divisionName" | "agentName", string | number>
>;

export const placeholderNames = [
  "tag",
  "ticketNumber",
  "subject",
  "customerName",
  "link",
  "reason",
  "divisionName",
  "agentName",
] as const satisfies readonly (keyof TemplateValues)[];

/**
 * Fills `{{name}}` placeholders (spaces inside the braces allowed). An unknown or missing value
 * becomes empty rather than leaking braces into a customer's mail.
 */
export function renderTemplate(text: string, values: TemplateValues): string {
  return text.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, name: string) => {
    const value = values[name as keyof TemplateValues];
    return value === undefined || value === null ? "" : String(value);
  });
}

/**
 * The `{{names}}` in a text that no mail fills in: a typo such as `{{ticketNumbr}}` would otherwise
 * become nothing in every mail sent with it. Each name once, in order of appearance.
 */
export function unknownPlaceholders(text: string): string[] {
  const known: readonly string[] = placeholderNames;
  const unknown = [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)]
    .map((match) => match[1]!)
    .filter((name) => !known.includes(name));
  return [...new Set(unknown)];
}
