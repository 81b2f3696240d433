import { useFormatter, useLocale, useTranslations } from "next-intl";
import { Icon } from "@/app/_components/icons";
import { dateFormatter, displayTimeZone } from "@/lib/i18n/dates";
import { isLocale, routing } from "@/lib/i18n/routing";
import { serviceLevelState, type ServiceLevelTicket, type ServiceLevelUrgency } from "@/lib/tickets/service-level-state";
import { useDuration } from "../use-duration";

const tones: Record<ServiceLevelUrgency, string> = {
  ok: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  breachingSoon: "bg-amber-50 text-amber-900 ring-amber-300",
  breached: "bg-red-50 text-red-800 ring-red-200",
};

/**
 * The ticket's service level beside its status: the target running now, when it falls due (also in
 * the division's own time zone when the page shows another), and the time left or overdue, coloured
 * by urgency; the targets already settled as met or missed. Nothing for a ticket without targets.
 */
export function ServiceLevelBadge({
  ticket,
  division,
  now,
}: {
  ticket: ServiceLevelTicket;
  division: { timeZone: string; escalateBeforeMinutes: number };
  now: Date;
}) {
  const t = useTranslations("ticket.serviceLevel");
  const format = useFormatter();
  const locale = useLocale();
  const duration = useDuration();
  const state = serviceLevelState(ticket, now, division.escalateBeforeMinutes);
  if (!state) return null;
  const { running, settled } = state;

  const dueText = (dueAt: Date) => {
    const when = format.dateTime(dueAt, "dateTime");
    if (division.timeZone === displayTimeZone) return when;
    const local = dateFormatter(isLocale(locale) ? locale : routing.defaultLocale, division.timeZone).dateTime(dueAt, "dateTime");
    return `${when} (${t("inZone", { when: local, zone: division.timeZone })})`;
  };

  return (
    <span className="inline-flex flex-wrap items-center gap-2" data-service-level>
      {settled.map(({ target, met }) => (
        <span
          key={target}
          data-service-level-settled={met ? "met" : "missed"}
          className={`inline-flex items-center gap-1 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${
            met ? tones.ok : "bg-zinc-100 text-zinc-700 ring-zinc-200"
          }`}
        >
          <Icon name={met ? "checkCircle" : "xCircle"} className="size-3.5" />
          {t(met ? "met" : "missed", { target: t(`targets.${target}`) })}
        </span>
      ))}
      {running && (
        <span
          data-service-level-urgency={running.urgency}
          title={t(`urgency.${running.urgency}`)}
          className={`inline-flex items-start gap-1 rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[running.urgency]}`}
        >
          <Icon name={running.urgency === "ok" ? "clock" : "alert"} className="mt-px size-3.5 shrink-0" />
          {/* One run of text, so that a long line wraps as words rather than as columns. */}
          <span>
            {running.urgency === "ok" ? (
              <span className="sr-only">{t(`urgency.${running.urgency}`)}: </span>
            ) : (
              <strong className="font-semibold">{t(`urgency.${running.urgency}`)} · </strong>
            )}
            {t("due", { target: t(`targets.${running.target}`), when: dueText(running.dueAt) })}
            {" · "}
            <strong className="font-semibold whitespace-nowrap">
              {running.minutesLeft >= 0
                ? t("left", { duration: duration(running.minutesLeft) })
                : t("overdue", { duration: duration(running.minutesLeft) })}
            </strong>
          </span>
        </span>
      )}
    </span>
  );
}
