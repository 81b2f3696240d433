/**
 * A poller in a process of its own, for the crash tests: polls one mailbox and, when told, kills
 * itself with SIGKILL at a checkpoint (after the Nth mail stored, processed or acknowledged), as
 * a power cut would. Arguments come from the environment.
 */
import { openDatabase } from "../../db/client";
import type { PollCheckpoint } from "../../lib/dispatch/ingest";
import { pollMailbox } from "../../lib/dispatch/poll";

const { DATABASE_URL, TENANT_ID, MAILBOX_ID, CRASH_AT, CRASH_AFTER } = process.env;
const handle = await openDatabase(DATABASE_URL);
let seen = 0;
const result = await pollMailbox(handle.db, {
  tenantId: TENANT_ID!,
  mailboxId: MAILBOX_ID!,
  checkpoint: (point: PollCheckpoint) => {
    if (point !== CRASH_AT) return;
    seen++;
    if (seen >= Number(CRASH_AFTER)) process.kill(process.pid, "SIGKILL");
  },
});
process.stdout.write(JSON.stringify(result));
await handle.close();
