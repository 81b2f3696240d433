import { useTranslations } from "next-intl";
import { Card, CardBody } from "@/app/_components/card";
import { Icon } from "@/app/_components/icons";
import { locales } from "@/lib/i18n/routing";
import { Link } from "@/lib/i18n/navigation";
import { StateBadge } from "../../../article-badges";

/**
 * The article in each language, its own first: this page, a link to the other version, or (for writers) "Add
 * English version", which starts one from this text.
 */
export function LanguageVersions({
  path,
  article,
  translations,
  mayWrite,
}: {
  path: string;
  article: { id: string; locale: string };
  translations: { id: string; locale: string; state: "draft" | "internal" | "published" }[];
  mayWrite: boolean;
}) {
  const t = useTranslations("knowledgeBase.article");
  return (
    <Card>
      <CardBody className="space-y-2 sm:px-5 sm:py-4">
        <h2 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("versions")}</h2>
        <ul className="space-y-1.5" data-language-versions>
          {[...locales].sort((a, b) => Number(b === article.locale) - Number(a === article.locale)).map((locale) => {
            const other = translations.find((version) => version.locale === locale);
            if (locale === article.locale) {
              return (
                <li key={locale} className="flex items-center justify-between gap-2 text-sm">
                  <span className="font-medium text-zinc-900">{t(`version.${locale}`)}</span>
                  <span className="text-xs text-zinc-500">{t("thisVersion")}</span>
                </li>
              );
            }
            if (other) {
              return (
                <li key={locale} className="flex items-center justify-between gap-2 text-sm">
                  <Link href={`${path}/articles/${other.id}`} className="font-medium text-brand-700 hover:text-brand-900 hover:underline">
                    {t(`version.${locale}`)}
                  </Link>
                  <StateBadge state={other.state} />
                </li>
              );
            }
            return mayWrite ? (
              <li key={locale}>
                <Link
                  href={`${path}/articles/new?translationOf=${article.id}&language=${locale}`}
                  className="flex items-center gap-1.5 text-sm font-medium text-brand-700 hover:text-brand-900 hover:underline"
                >
                  <Icon name="plus" className="size-4" />
                  {t(`addVersion.${locale}`)}
                </Link>
              </li>
            ) : null;
          })}
        </ul>
      </CardBody>
    </Card>
  );
}
