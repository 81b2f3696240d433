"use client";

import { useTranslations } from "next-intl";
import { FormAlert } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { CheckOutcome, MailboxConnectionTestResult } from "@/lib/mailboxes/connection-check";

/** The server a check talked to, as typed then: the hints name it. */
export interface TestedServer {
  protocol: "imap" | "pop3" | "smtp";
  host: string;
  port: number;
  seconds: number;
  /** SMTP: whether the check signed in, or only connected (a server that needs no sign-in). */
  signsIn?: boolean;
}

/**
 * What a check of the incoming server found ("Load folders", "Create folder"): signed in (with the
 * folders or the number of messages), or what failed in words the admin can act on.
 */
export function ConnectionOutcome({
  state,
  server,
  fields,
}: {
  state: ActionState<CheckOutcome>;
  server: TestedServer;
  /** The form's fields, so a check refused for invalid input points at them. */
  fields: string[];
}) {
  if (state.error) return <FormAlert state={state} fields={fields} />;
  if (!state.ok || !state.result) return null;
  return <ServerOutcome result={state.result} server={server} testId="connection-outcome" />;
}

/**
 * What "Test connection" found: the incoming server, and below it the outgoing one when the form
 * names an SMTP server, each on its own line with its own heading.
 */
export function ConnectionTestOutcome({
  state,
  inbound,
  outbound,
  fields,
}: {
  state: ActionState<MailboxConnectionTestResult>;
  inbound: TestedServer;
  outbound: TestedServer | null;
  fields: string[];
}) {
  const t = useTranslations("mailboxForm.test");
  const tMailboxes = useTranslations("mailboxes");
  if (state.error) return <FormAlert state={state} fields={fields} />;
  const result = state.result;
  if (!state.ok || !result) return null;
  if (!result.outbound || !outbound) return <ServerOutcome result={result.inbound} server={inbound} testId="connection-outcome" />;

  return (
    <div data-testid="connection-outcome" className="space-y-4">
      <section className="space-y-1.5">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">
          {t("incoming", { protocol: tMailboxes(`protocols.${inbound.protocol}`) })}
        </h3>
        <ServerOutcome result={result.inbound} server={inbound} />
      </section>
      <section className="space-y-1.5">
        <h3 className="text-xs font-semibold tracking-wide text-zinc-500 uppercase">{t("outgoing")}</h3>
        <ServerOutcome result={result.outbound} server={outbound} />
      </section>
    </div>
  );
}

/**
 * One server's outcome: what it said when all went well, or what failed in words the admin can act
 * on, with the server's or system's own words in small print.
 */
function ServerOutcome({
  result,
  server,
  testId,
}: {
  result: CheckOutcome;
  server: TestedServer;
  testId?: string;
}) {
  const t = useTranslations("mailboxForm.test");
  const tMailboxes = useTranslations("mailboxes");

  if (result.ok) {
    const folders = ("folders" in result ? result.folders : undefined) ?? [];
    const message =
      server.protocol === "imap"
        ? t("okImap", { count: folders.length })
        : server.protocol === "pop3"
          ? t("okPop3", { count: ("messageCount" in result ? result.messageCount : undefined) ?? 0 })
          : server.signsIn
            ? t("okSmtp")
            : t("okSmtpNoAuth");
    return (
      <div role="status" data-testid={testId} className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200 ring-inset">
        <p className="flex items-start gap-2 font-medium">
          <Icon name="checkCircle" className="size-5 shrink-0 text-emerald-600" />
          {message}
        </p>
        {folders.length > 0 && (
          <ul className="mt-2 flex flex-wrap gap-1.5 pl-7">
            {folders.map((folder) => (
              <li key={folder} className="rounded-md bg-white px-2 py-0.5 font-mono text-xs text-emerald-800 ring-1 ring-emerald-200 ring-inset">
                {folder}
              </li>
            ))}
          </ul>
        )}
      </div>
    );
  }

  return (
    <div role="alert" data-testid={testId} className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200 ring-inset">
      <p className="flex items-start gap-2 font-semibold">
        <Icon name="xCircle" className="size-5 shrink-0 text-red-600" />
        {tMailboxes(`failures.${result.failure}.title`)}
      </p>
      <p className="mt-1 pl-7 leading-6">
        {/* The standard ports of the TLS hint are IMAP's and POP3's; SMTP has its own. */}
        {server.protocol === "smtp" && result.failure === "tlsFailed"
          ? tMailboxes("failures.tlsFailed.hintSmtp")
          : tMailboxes(`failures.${result.failure}.hint`, {
              host: server.host,
              // As typed: a number placeholder would be grouped ("1,143").
              port: String(server.port),
              seconds: server.seconds,
              protocol: tMailboxes(`protocols.${server.protocol}`),
            })}
      </p>
      {result.codes && (
        <p className="mt-2 pl-7 font-mono text-xs break-words text-red-700/80">
          {t("detail", { detail: result.codes })}
        </p>
      )}
    </div>
  );
}
