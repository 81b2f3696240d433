"use client";

import { useTranslations } from "next-intl";
import { startTransition, useActionState, useEffect, useState } from "react";
import { Button } from "@/app/_components/button";
import { FormSection } from "@/app/_components/form-section";
import { Icon } from "@/app/_components/icons";
import type { ActionState } from "@/lib/auth/action";
import type { CheckOutcome, MailboxConnectionTestResult } from "@/lib/mailboxes/connection-check";
import { defaultSmtpPort } from "@/lib/mailboxes/ports";
import { ConnectionTestOutcome, type TestedServer } from "./connection-outcome";
import { FIELDS_OF, type Protocol, type Security } from "./mailbox-form-fields";

type FormAction<R> = (previous: ActionState<R>, input: FormData) => Promise<ActionState<R>>;

/** The outgoing server as typed, or null when the form names none (and the test skips it). */
function outboundServerOf(data: FormData): TestedServer | null {
  const host = String(data.get("smtpHost") ?? "").trim();
  if (!host) return null;
  return {
    protocol: "smtp",
    host,
    port: Number(data.get("smtpPort")) || defaultSmtpPort(data.get("smtpSecurity") as Security),
    seconds: Number(data.get("smtpTimeoutSeconds")) || 30,
    signsIn: data.has("smtpAuthRequired"),
  };
}

/** "Test connection", and what it found. Not remounted by a save: the findings still hold. */
export function TestSection({
  protocol,
  testAction,
  startCheck,
  onChecked,
}: {
  protocol: Protocol;
  /** Tests the incoming server and, when one is named, the outgoing one. */
  testAction: FormAction<MailboxConnectionTestResult>;
  startCheck: () => { data: FormData; inbound: TestedServer };
  onChecked: (checked: ActionState<unknown>, result: CheckOutcome | undefined) => void;
}) {
  const t = useTranslations("mailboxForm");
  const [testState, runTest, testing] = useActionState(testAction, {});
  /** The servers as typed when the last test started; outbound null without SMTP server. */
  const [testedServers, setTestedServers] = useState<{ inbound: TestedServer; outbound: TestedServer | null } | null>(null);

  useEffect(() => onChecked(testState, testState.result?.inbound), [testState, onChecked]);

  function testConnection() {
    const { data, inbound } = startCheck();
    setTestedServers({ inbound, outbound: outboundServerOf(data) });
    startTransition(() => runTest(data));
  }

  return (
    <FormSection title={t("sections.test.title")} description={t("sections.test.description")}>
      <Button variant="secondary" onClick={testConnection} pending={testing}>
        {!testing && <Icon name="signal" className="size-4" />}
        {t("test.run")}
      </Button>
      {testing && testedServers ? (
        <p role="status" className="text-sm text-zinc-500">
          {t("test.running", {
            seconds: Math.max(testedServers.inbound.seconds, testedServers.outbound?.seconds ?? 0),
          })}
        </p>
      ) : (
        testedServers && (
          <ConnectionTestOutcome
            state={testState}
            inbound={testedServers.inbound}
            outbound={testedServers.outbound}
            fields={FIELDS_OF[protocol]}
          />
        )
      )}
    </FormSection>
  );
}
