/**
 * A line-based echo protocol on a raw connection (TsConnectionHandler): every line the client
 * sends comes back prefixed; `quit` ends the session.
 */
import { OK, type RawConnection } from "tsmod";

export async function connectionhandler(conn: RawConnection): Promise<number> {
  await conn.write(`hello ${conn.remoteIp}\r\n`);
  for (;;) {
    const line = (await conn.readline(1024)).toString("utf8");
    if (line === "") return OK; // the client closed the connection
    const text = line.replace(/\r?\n$/, "");
    if (text === "quit") {
      await conn.write("bye\r\n");
      return OK;
    }
    await conn.write(`echo: ${text}\r\n`);
  }
}
