const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** mod_include's default `config timefmt` (Apache's "%A, %d-%b-%Y %H:%M:%S %Z"). */
export const DEFAULT_TIMEFMT = "%A, %d-%b-%Y %H:%M:%S %Z";

/** C's strftime for the conversions SSI pages use, in local time or UTC. */
export function strftime(format: string, date: Date, utc: boolean): string {
  const g = utc
    ? { y: date.getUTCFullYear(), mo: date.getUTCMonth(), d: date.getUTCDate(), wd: date.getUTCDay(), h: date.getUTCHours(), mi: date.getUTCMinutes(), s: date.getUTCSeconds(), off: 0 }
    : { y: date.getFullYear(), mo: date.getMonth(), d: date.getDate(), wd: date.getDay(), h: date.getHours(), mi: date.getMinutes(), s: date.getSeconds(), off: -date.getTimezoneOffset() };
  const p2 = (n: number) => String(n).padStart(2, "0");
  const start = Date.UTC(g.y, 0, 1);
  const yday = Math.floor((Date.UTC(g.y, g.mo, g.d) - start) / 86400000) + 1;
  const zone = utc ? "GMT" : (new Intl.DateTimeFormat("en-US", { timeZoneName: "short" }).formatToParts(date).find((p) => p.type === "timeZoneName")?.value ?? "");
  const sign = g.off < 0 ? "-" : "+";
  const abs = Math.abs(g.off);
  const conv: Record<string, () => string> = {
    a: () => DAYS[g.wd].slice(0, 3),
    A: () => DAYS[g.wd],
    b: () => MONTHS[g.mo].slice(0, 3),
    h: () => MONTHS[g.mo].slice(0, 3),
    B: () => MONTHS[g.mo],
    d: () => p2(g.d),
    e: () => String(g.d).padStart(2, " "),
    H: () => p2(g.h),
    I: () => p2(g.h % 12 || 12),
    M: () => p2(g.mi),
    S: () => p2(g.s),
    p: () => (g.h < 12 ? "AM" : "PM"),
    y: () => p2(g.y % 100),
    Y: () => String(g.y),
    m: () => p2(g.mo + 1),
    j: () => String(yday).padStart(3, "0"),
    Z: () => zone,
    z: () => `${sign}${p2(Math.floor(abs / 60))}${p2(abs % 60)}`,
    s: () => String(Math.floor(date.getTime() / 1000)),
    T: () => `${p2(g.h)}:${p2(g.mi)}:${p2(g.s)}`,
    D: () => `${p2(g.mo + 1)}/${p2(g.d)}/${p2(g.y % 100)}`,
    F: () => `${g.y}-${p2(g.mo + 1)}-${p2(g.d)}`,
    c: () => `${DAYS[g.wd].slice(0, 3)} ${MONTHS[g.mo].slice(0, 3)} ${String(g.d).padStart(2, " ")} ${p2(g.h)}:${p2(g.mi)}:${p2(g.s)} ${g.y}`,
    n: () => "\n",
    t: () => "\t",
    "%": () => "%",
  };
  return format.replace(/%([a-zA-Z%])/g, (all, c: string) => conv[c]?.() ?? all);
}
