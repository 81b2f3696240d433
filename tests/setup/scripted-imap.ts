import net from "node:net";

/**
 * A scripted IMAP4rev1 server on 127.0.0.1 that speaks just enough for imapflow (greeting,
 * CAPABILITY, LOGIN, LIST, SELECT/EXAMINE, NOOP, UID SEARCH, FETCH and UID FETCH, LOGOUT; BAD to anything
 * else), with switches that reproduce real servers' bugs: what no installable server does on
 * demand. One folder, INBOX; every command received is kept in `commands`.
 */

export interface ScriptedMail {
  uid: number;
  /** The RFC 5322 message, CRLF line ends. */
  raw: string;
}

export interface ScriptedImapOptions {
  user: string;
  pass: string;
  mails: ScriptedMail[];
  uidValidity?: number;
  /** UIDNEXT announced at SELECT; one past the highest UID unless given. */
  uidNext?: number;
  /** Where a bug hides mail: the listed commands answer as if the folder were empty. */
  hide?: {
    /** `UID SEARCH` answers an empty `* SEARCH` (GNU Mailutils imap4d 3.15 with `UID 1:*`). */
    search?: boolean;
    /** `UID FETCH` of a set ending in `*` answers no message. */
    uidFetchToEnd?: boolean;
    /** `FETCH` by message number answers no message. */
    fetch?: boolean;
    /** A FETCH that asks for the message's content (BODY[]) answers no message. */
    content?: boolean;
  };
}

export interface ScriptedImap {
  host: string;
  port: number;
  /** Every command line received, tag first, in order. */
  commands: string[];
  close(): Promise<void>;
}

export async function startScriptedImap(options: ScriptedImapOptions): Promise<ScriptedImap> {
  const mails = [...options.mails].sort((a, b) => a.uid - b.uid);
  const commands: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    serve(socket, mails, options, commands);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    host: "127.0.0.1",
    port,
    commands,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const CAPABILITIES = "IMAP4rev1";

function serve(socket: net.Socket, mails: ScriptedMail[], options: ScriptedImapOptions, commands: string[]): void {
  let buffered = "";
  let selected = false;
  const send = (line: string): void => {
    socket.write(`${line}\r\n`);
  };
  send(`* OK [CAPABILITY ${CAPABILITIES}] scripted IMAP ready`);

  socket.setEncoding("latin1");
  socket.on("data", (chunk: string) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.indexOf("\r\n")) >= 0) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      commands.push(line);
      answer(line);
    }
  });

  function answer(line: string): void {
    const [tag = "*", rawCommand = "", ...rest] = line.split(" ");
    let command = rawCommand.toUpperCase();
    let args = rest;
    const byUid = command === "UID";
    if (byUid) {
      command = (args[0] ?? "").toUpperCase();
      args = args.slice(1);
    }
    switch (`${byUid ? "UID " : ""}${command}`) {
      case "CAPABILITY":
        send(`* CAPABILITY ${CAPABILITIES}`);
        return send(`${tag} OK CAPABILITY completed`);
      case "NOOP":
        return send(`${tag} OK NOOP completed`);
      case "LOGIN": {
        const [user, pass] = args.map(unquote);
        if (user === options.user && pass === options.pass) return send(`${tag} OK LOGIN completed`);
        return send(`${tag} NO [AUTHENTICATIONFAILED] Invalid credentials`);
      }
      case "LIST": {
        // imapflow looks the folder up before it selects it; `""` asks for the hierarchy delimiter.
        const pattern = unquote(args[1] ?? "");
        if (pattern === "") send('* LIST (\\Noselect) "/" ""');
        else if (["INBOX", "*", "%"].includes(pattern.toUpperCase())) send('* LIST (\\HasNoChildren) "/" INBOX');
        return send(`${tag} OK LIST completed`);
      }
      case "SELECT":
      case "EXAMINE": {
        if (unquote(args[0] ?? "").toUpperCase() !== "INBOX") return send(`${tag} NO [NONEXISTENT] No such folder`);
        selected = true;
        const uidNext = options.uidNext ?? (mails.at(-1)?.uid ?? 0) + 1;
        send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)");
        send(`* ${mails.length} EXISTS`);
        send("* 0 RECENT");
        send(`* OK [UIDVALIDITY ${options.uidValidity ?? 1}] UIDs valid`);
        send(`* OK [UIDNEXT ${uidNext}] Predicted next UID`);
        return send(`${tag} OK [${command === "SELECT" ? "READ-WRITE" : "READ-ONLY"}] ${command} completed`);
      }
      case "UID SEARCH": {
        if (!selected) return send(`${tag} BAD No folder selected`);
        const criteria = args.map((arg) => arg.toUpperCase());
        const uidAt = criteria.indexOf("UID");
        const set = uidAt >= 0 ? args[uidAt + 1] : "1:*";
        if (!set) return send(`${tag} BAD Missing UID set`);
        const found = options.hide?.search ? [] : matching(mails, set, true).map((entry) => entry.mail.uid);
        send(["* SEARCH", ...found].join(" "));
        return send(`${tag} OK SEARCH completed`);
      }
      case "FETCH":
      case "UID FETCH": {
        if (!selected) return send(`${tag} BAD No folder selected`);
        const set = args[0];
        if (!set) return send(`${tag} BAD Missing set`);
        const items = args.slice(1).join(" ").toUpperCase();
        const hidden =
          (byUid ? options.hide?.uidFetchToEnd && set.includes("*") : options.hide?.fetch) ||
          (options.hide?.content && items.includes("BODY"));
        for (const { mail, seq } of hidden ? [] : matching(mails, set, byUid)) {
          const parts = [`UID ${mail.uid}`];
          if (items.includes("RFC822.SIZE")) parts.push(`RFC822.SIZE ${Buffer.byteLength(mail.raw, "latin1")}`);
          if (items.includes("BODY[]") || items.includes("BODY.PEEK[]")) {
            parts.push(`BODY[] {${Buffer.byteLength(mail.raw, "latin1")}}\r\n${mail.raw}`);
          }
          socket.write(`* ${seq} FETCH (${parts.join(" ")})\r\n`, "latin1");
        }
        return send(`${tag} OK ${byUid ? "UID " : ""}FETCH completed`);
      }
      case "LOGOUT":
        send("* BYE Logging out");
        send(`${tag} OK LOGOUT completed`);
        socket.end();
        return;
      default:
        send(`${tag} BAD Command not understood`);
    }
  }
}

/** The mails an IMAP sequence set names, by UID or message number; `*` is the highest (RFC 3501 §9). */
function matching(mails: ScriptedMail[], set: string, byUid: boolean): { mail: ScriptedMail; seq: number }[] {
  const numbered = mails.map((mail, index) => ({ mail, seq: index + 1 }));
  const key = (entry: { mail: ScriptedMail; seq: number }) => (byUid ? entry.mail.uid : entry.seq);
  const highest = numbered.length ? key(numbered[numbered.length - 1]!) : 0;
  const value = (text: string) => (text === "*" ? highest : Number(text));
  return numbered.filter((entry) =>
    set.split(",").some((range) => {
      const [from, to = from] = range.split(":").map(value) as [number, number?];
      return key(entry) >= Math.min(from, to) && key(entry) <= Math.max(from, to);
    }),
  );
}

function unquote(text: string): string {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/\\(["\\])/g, "$1") : text;
}
