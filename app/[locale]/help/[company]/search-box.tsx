import { getTranslations } from "next-intl/server";
import { Icon } from "@/app/_components/icons";

/** The help center's search: a plain GET form to the home page (`?q=`), so it works without script. */
export async function SearchBox({ action, query, large = false }: { action: string; query?: string; large?: boolean }) {
  const t = await getTranslations("helpCenter");
  return (
    <form action={action} method="get" role="search" className="relative w-full">
      <label htmlFor="help-center-search" className="sr-only">
        {t("searchLabel")}
      </label>
      <Icon
        name="search"
        className={`pointer-events-none absolute top-1/2 -translate-y-1/2 text-zinc-400 ${large ? "left-4 size-5" : "left-3 size-4"}`}
      />
      <input
        id="help-center-search"
        type="search"
        name="q"
        defaultValue={query}
        placeholder={t("searchPlaceholder")}
        maxLength={200}
        className={`w-full rounded-xl border-0 bg-white text-zinc-900 shadow-sm ring-1 ring-zinc-300 ring-inset placeholder:text-zinc-400 focus:ring-2 focus:ring-brand-500 focus:outline-none ${
          large ? "py-3.5 pr-28 pl-12 text-base" : "py-2 pr-20 pl-9 text-sm"
        }`}
      />
      <button
        type="submit"
        className={`absolute top-1/2 right-1.5 -translate-y-1/2 rounded-lg bg-brand-600 font-semibold text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 ${
          large ? "px-4 py-2 text-sm" : "px-3 py-1 text-xs"
        }`}
      >
        {t("searchSubmit")}
      </button>
    </form>
  );
}
