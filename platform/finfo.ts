import * as fs from "node:fs";

/** APR's file types, as mod_python's `finfo.filetype` gives them. */
export const APR_NOFILE = 0;
export const APR_REG = 1;
export const APR_DIR = 2;
export const APR_CHR = 3;
export const APR_BLK = 4;
export const APR_PIPE = 5;
export const APR_LNK = 6;
export const APR_SOCK = 7;

/** mod_python's `mp_finfo` (what `apache.stat` answers and `req.finfo` holds), camelCased; times in seconds. */
export interface Finfo {
  readonly fname: string;
  readonly name: string;
  readonly filetype: number;
  readonly valid: boolean;
  readonly protection: number;
  readonly user: number;
  readonly group: number;
  readonly size: number;
  readonly inode: number;
  readonly device: number;
  readonly nlink: number;
  readonly atime: number;
  readonly mtime: number;
  readonly ctime: number;
}

/** `stat(path)` (mod_python's `apache.stat`): the file's information, `filetype` APR_NOFILE when there is none. Links are not followed. */
export function stat(file: string): Finfo {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return { fname: file, name: file, filetype: APR_NOFILE, valid: false, protection: 0, user: 0, group: 0, size: 0, inode: 0, device: 0, nlink: 0, atime: 0, mtime: 0, ctime: 0 };
  }
  return finfoOf(file, st);
}

export function finfoOf(file: string, st: fs.Stats): Finfo {
  const filetype = st.isFile()
    ? APR_REG
    : st.isDirectory()
      ? APR_DIR
      : st.isSymbolicLink()
        ? APR_LNK
        : st.isCharacterDevice()
          ? APR_CHR
          : st.isBlockDevice()
            ? APR_BLK
            : st.isFIFO()
              ? APR_PIPE
              : APR_SOCK;
  return {
    fname: file,
    name: file,
    filetype,
    valid: true,
    protection: st.mode & 0o7777,
    user: st.uid,
    group: st.gid,
    size: st.size,
    inode: st.ino,
    device: st.dev,
    nlink: st.nlink,
    atime: st.atimeMs / 1000,
    mtime: st.mtimeMs / 1000,
    ctime: st.ctimeMs / 1000,
  };
}
