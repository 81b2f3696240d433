/**
 * A value as it reads in a sentence before `rest`, the text that follows it there. A value that ends
 * with its own period, such as the abbreviation in "Kowalski Sp. z o.o.", gives that period to a
 * sentence ending right after it rather than doubling it ("o.o.."). Only the one doubled dot goes:
 * an ellipsis keeps its three, and a value followed by anything but a period is left as it is.
 */
export function valueBefore(value: string, rest: string): string {
  return value.endsWith(".") && rest.startsWith(".") ? value.slice(0, -1) : value;
}

/**
 * Fills `marked`, a text in which each value stands as a mark (`marks[i]` for `values[i]`), with the
 * values, each one read before what follows it (valueBefore). Formats that insert values themselves,
 * such as ICU messages, format with the marks first, so that this sees where each value ends.
 */
export function fillMarks(marked: string, values: readonly string[], marks: readonly string[]): string {
  if (values.length === 0) return marked;
  const pattern = new RegExp(marks.map((mark) => mark.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g");
  return marked.replace(pattern, (mark, offset: number, whole: string) =>
    valueBefore(values[marks.indexOf(mark)]!, whole.slice(offset + mark.length)),
  );
}
