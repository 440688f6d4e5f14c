import * as fs from "node:fs";

/** No configuration file is this large; anything bigger is a mistake (a log, an image, a device). */
export const MAX_CONFIG_FILE_BYTES = 8 * 1024 * 1024;

const READ_CHUNK = 64 * 1024;

/**
 * Reads a configuration file (the main one or an included one). Only a regular file of at most
 * MAX_CONFIG_FILE_BYTES is read, as Apache's `ap_pcfg_openfile` accepts only regular files (and
 * `/dev/null`): a FIFO would block the start forever and a device like `/dev/zero` never ends.
 * The file is opened non-blocking and checked again on the open descriptor, so a file swapped
 * for a FIFO between the two checks is still refused, and the read stops at the limit even if
 * the file grows. Throws an Error whose message says what is wrong (without the file name).
 */
export function readConfigFile(file: string): string {
  if (file === "/dev/null") return "";
  refuseIrregular(statOf(() => fs.statSync(file)));
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (e) {
    throw new Error(`cannot read: ${describe(e)}`);
  }
  try {
    refuseIrregular(statOf(() => fs.fstatSync(fd)));
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK);
      const n = fs.readSync(fd, chunk, 0, READ_CHUNK, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_CONFIG_FILE_BYTES) throw tooLarge();
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, total).toString("utf8");
  } finally {
    fs.closeSync(fd);
  }
}

function statOf(stat: () => fs.Stats): fs.Stats {
  try {
    return stat();
  } catch (e) {
    throw new Error(`cannot read: ${describe(e)}`);
  }
}

function refuseIrregular(st: fs.Stats): void {
  if (!st.isFile()) throw new Error(`not a regular file (it is ${kindOf(st)})`);
  if (st.size > MAX_CONFIG_FILE_BYTES) throw tooLarge();
}

function tooLarge(): Error {
  return new Error(`larger than ${MAX_CONFIG_FILE_BYTES / (1024 * 1024)} MiB: not a configuration file`);
}

function kindOf(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a file";
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "ENOTDIR") return "a component of the path is not a directory";
  if (code === "ELOOP") return "too many symbolic links";
  return (e as Error).message;
}
