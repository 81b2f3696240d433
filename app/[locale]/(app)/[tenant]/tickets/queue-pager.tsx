import { useTranslations } from "next-intl";
import { buttonClasses } from "@/app/_components/button";
import { Link } from "@/lib/i18n/navigation";

/** The way through a queue's pages: back to the top, one page back, one page on (null: none there). */
export function QueuePager({ first, previous, next }: { first: string | null; previous: string | null; next: string | null }) {
  const t = useTranslations("tickets");
  if (!first && !previous && !next) return null;
  return (
    <nav aria-label={t("pagination")} className="flex flex-wrap items-center justify-end gap-2 border-t border-zinc-100 px-5 py-3 sm:px-6">
      {first && (
        <Link href={first} className={`${buttonClasses("ghost", "sm")} mr-auto`}>
          {t("firstPage")}
        </Link>
      )}
      {previous && (
        <Link href={previous} rel="prev" className={buttonClasses("secondary", "sm")}>
          {t("previous")}
        </Link>
      )}
      {next && (
        <Link href={next} rel="next" className={buttonClasses("secondary", "sm")}>
          {t("next")}
        </Link>
      )}
    </nav>
  );
}
