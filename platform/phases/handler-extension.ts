/** mod_python's extension for `| .ext` lists: everything after the first dot of the name. */
export function handlerExtension(filename: string | null): string {
  if (!filename) return "";
  // The last name of the path, as path.basename finds it (trailing slashes ignored), without
  // the string it would make.
  let end = filename.length;
  while (end > 1 && filename.charCodeAt(end - 1) === 47) end--;
  const start = filename.lastIndexOf("/", end - 1) + 1;
  const dot = filename.indexOf(".", start);
  return dot <= start || dot >= end ? "" : filename.slice(dot, end).toLowerCase();
}
