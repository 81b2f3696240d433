import { useTranslations } from "next-intl";
import { Badge } from "@/app/_components/badge";

const stateTones = { draft: "amber", internal: "brand", published: "green" } as const;

export type ArticleStateName = keyof typeof stateTones;

/** Draft, internal or published, in the colour the list and the article page share. */
export function StateBadge({ state }: { state: ArticleStateName }) {
  const t = useTranslations("knowledgeBase.states");
  return (
    <span data-state={state}>
      <Badge tone={stateTones[state]}>{t(state)}</Badge>
    </span>
  );
}

/** "PL" or "EN", with the language's name for screen readers and on hover. */
export function LocaleBadge({ locale }: { locale: string }) {
  const t = useTranslations("knowledgeBase.locales");
  const name = locale === "pl" || locale === "en" ? t(locale) : locale;
  return (
    <span title={name} data-locale={locale}>
      <Badge>
        <span aria-hidden="true">{locale.toUpperCase()}</span>
        <span className="sr-only">{name}</span>
      </Badge>
    </span>
  );
}
