import { Writable } from "node:stream";
import * as readline from "node:readline";

/** The first line of standard input (`--stdin`, Apache's `htpasswd -i`). */
export async function passwordFromStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8").split(/\r?\n/)[0];
}

/** Asks twice on the terminal without echo; throws when the two differ. */
export async function passwordFromTerminal(): Promise<string> {
  if (!process.stdin.isTTY) throw new Error("no terminal to read the password from: use --stdin");
  const first = await ask("New password: ");
  const second = await ask("Re-type new password: ");
  if (first !== second) throw new Error("password verification error");
  return first;
}

function ask(prompt: string): Promise<string> {
  process.stderr.write(prompt);
  const muted = new Writable({ write: (_chunk, _enc, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: muted, terminal: true });
  return new Promise((resolve) =>
    rl.question("", (answer) => {
      rl.close();
      process.stderr.write("\n");
      resolve(answer);
    }),
  );
}
