import { useFormatter } from "next-intl";

/** A size in the reader's number format: 812 B, 14 kB, 3.2 MB. */
export function FileSize({ bytes }: { bytes: number }) {
  const format = useFormatter();
  const [value, unit] =
    bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), "megabyte"] : bytes >= 1024 ? [bytes / 1024, "kilobyte"] : [bytes, "byte"];
  // "Narrow" for bytes: the short English form spells "37 byte".
  const unitDisplay = unit === "byte" ? "narrow" : "short";
  return <>{format.number(value, { style: "unit", unit, unitDisplay, maximumFractionDigits: 1 })}</>;
}
