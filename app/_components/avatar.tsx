/** A person's initials in a circle: "Anna Kowalska" → AK. */
export function Avatar({ name, tone = "brand" }: { name: string; tone?: "brand" | "neutral" }) {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const letters = parts.length > 1 ? `${parts[0]![0]}${parts[parts.length - 1]![0]}` : (parts[0]?.[0] ?? "?");
  return (
    <span
      aria-hidden="true"
      className={`grid size-9 shrink-0 place-items-center rounded-full text-sm font-semibold ${
        tone === "brand" ? "bg-brand-100 text-brand-700" : "bg-zinc-100 text-zinc-600"
      }`}
    >
      {letters.toUpperCase()}
    </span>
  );
}
