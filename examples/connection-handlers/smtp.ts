/**
 * A tiny SMTP-like dialogue (RFC 5321's shape, not a mail server): HELO, MAIL FROM, RCPT TO,
 * DATA ending with a lone ".", QUIT. Accepted messages are kept in `delivered` so a test (or a
 * TsImport'ed module) can see them.
 */
import { OK, type RawConnection } from "tsmod";

export interface Message {
  readonly helo: string;
  readonly from: string;
  readonly to: string[];
  readonly body: string;
}

export const delivered: Message[] = [];

export async function connectionhandler(conn: RawConnection): Promise<number> {
  const reply = (text: string) => conn.write(`${text}\r\n`);
  let helo = "";
  let from = "";
  let to: string[] = [];
  await reply(`220 ${conn.baseServer.serverHostname} tsmod ESMTP-ish ready`);
  for (;;) {
    const raw = (await conn.readline(4096)).toString("utf8");
    if (raw === "") return OK;
    const line = raw.replace(/\r?\n$/, "");
    const [verb] = line.split(/\s+/, 1);
    switch (verb.toUpperCase()) {
      case "HELO":
        helo = line.slice(5).trim();
        await reply(`250 hello ${helo}`);
        break;
      case "MAIL":
        if (!helo) await reply("503 say HELO first");
        else if (!(from = /^MAIL FROM:\s*<([^>]*)>$/i.exec(line)?.[1] ?? "")) await reply("501 syntax: MAIL FROM:<address>");
        else await reply("250 OK");
        break;
      case "RCPT": {
        const rcpt = /^RCPT TO:\s*<([^>]+)>$/i.exec(line)?.[1];
        if (!from) await reply("503 need MAIL first");
        else if (!rcpt) await reply("501 syntax: RCPT TO:<address>");
        else {
          to.push(rcpt);
          await reply("250 OK");
        }
        break;
      }
      case "DATA": {
        if (to.length === 0) {
          await reply("503 need RCPT first");
          break;
        }
        await reply("354 end data with <CR><LF>.<CR><LF>");
        const lines: string[] = [];
        for (;;) {
          const l = (await conn.readline(4096)).toString("utf8");
          if (l === "") return OK;
          const text = l.replace(/\r?\n$/, "");
          if (text === ".") break;
          lines.push(text.startsWith("..") ? text.slice(1) : text);
        }
        delivered.push({ helo, from, to, body: lines.join("\n") });
        await reply(`250 queued as ${delivered.length}`);
        from = "";
        to = [];
        break;
      }
      case "QUIT":
        await reply("221 bye");
        return OK;
      default:
        await reply(`500 unknown command '${verb}'`);
    }
  }
}
