import { getTranslations } from "next-intl/server";
import { Spinner } from "@/app/_components/button";

/** Shown while the report is worked out: the figures come from one pass over a company's tickets and mail. */
export default async function ReportsLoading() {
  const t = await getTranslations("reports");
  return (
    <div role="status" aria-live="polite" className="space-y-6">
      <div className="mb-8">
        <h1 className="text-2xl font-semibold tracking-tight text-zinc-900">{t("title")}</h1>
        <p className="mt-3 flex items-center gap-2 text-sm text-zinc-500">
          <Spinner className="size-4 text-brand-600" />
          {t("loading")}
        </p>
      </div>
      {[0, 1, 2].map((index) => (
        <div key={index} className="h-72 animate-pulse rounded-xl border border-zinc-200 bg-zinc-50" />
      ))}
    </div>
  );
}
