"use client";

import { useTranslations } from "next-intl";
import { FormAlert } from "@/app/_components/form";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { MailServerTestResult } from "@/lib/mail/mail-server-test";

/** The server a check talked to, as typed then: the hints name it. */
export interface TestedServer {
  protocol: "imap" | "pop3";
  host: string;
  port: number;
  seconds: number;
}

/**
 * What a connection check found: signed in (with the folders or the number of messages), or what
 * failed in words the admin can act on, with the server's or system's own words in small print.
 */
export function ConnectionOutcome({
  state,
  server,
  fields,
}: {
  state: ActionState<MailServerTestResult>;
  server: TestedServer;
  /** The form's fields, so a check refused for invalid input points at them. */
  fields: string[];
}) {
  const t = useTranslations("mailboxForm.test");
  const tMailboxes = useTranslations("mailboxes");
  if (state.error) return <FormAlert state={state} fields={fields} />;
  const result = state.result;
  if (!state.ok || !result) return null;

  if (result.ok) {
    const folders = result.folders ?? [];
    return (
      <div role="status" data-testid="connection-outcome" className="rounded-lg bg-emerald-50 px-4 py-3 text-sm text-emerald-900 ring-1 ring-emerald-200 ring-inset">
        <p className="flex items-start gap-2 font-medium">
          <Icon name="checkCircle" className="size-5 shrink-0 text-emerald-600" />
          {server.protocol === "imap"
            ? t("okImap", { count: folders.length })
            : t("okPop3", { count: result.messageCount ?? 0 })}
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
    <div role="alert" data-testid="connection-outcome" className="rounded-lg bg-red-50 px-4 py-3 text-sm text-red-900 ring-1 ring-red-200 ring-inset">
      <p className="flex items-start gap-2 font-semibold">
        <Icon name="xCircle" className="size-5 shrink-0 text-red-600" />
        {tMailboxes(`failures.${result.failure}.title`)}
      </p>
      <p className="mt-1 pl-7 leading-6">
        {tMailboxes(`failures.${result.failure}.hint`, {
          host: server.host,
          // As typed: a number placeholder would be grouped ("1,143").
          port: String(server.port),
          seconds: server.seconds,
          protocol: tMailboxes(`protocols.${server.protocol}`),
        })}
      </p>
      {result.detail && (
        <p className="mt-2 pl-7 font-mono text-xs break-words text-red-700/80">
          {t("detail", { detail: result.detail })}
        </p>
      )}
    </div>
  );
}
