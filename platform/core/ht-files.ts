import * as path from "node:path";

/**
 * Apache's stock `<Files ".ht*"> Require all denied`: `.htaccess`, `.htpasswd`, ... are
 * refused everywhere, whatever handler the URL maps to. Other dotfiles are ordinary files,
 * as in Apache (deny them with `<FilesMatch "^\.">` and `<DirectoryMatch "/\.">` if needed).
 */
export function isHtFile(filename: string | null): boolean {
  return filename !== null && path.basename(filename).startsWith(".ht");
}
