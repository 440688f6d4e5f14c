/** What a client's `Accept-Encoding` allows for one content coding. */
export interface CodingChoice {
  /** The coding is acceptable and not less preferred than the unencoded form. */
  readonly use: boolean;
  /** `identity;q=0` (or `*;q=0` without identity listed): the unencoded form is refused. */
  readonly identityRefused: boolean;
}

/**
 * Reads `Accept-Encoding` (RFC 9110 §12.5.3) for `coding` (and its `x-` alias): q-values, `*`,
 * and `identity`. No header means no coding is wanted.
 */
export function acceptsCoding(header: string | null | undefined, coding: string): CodingChoice {
  if (!header) return { use: false, identityRefused: false };
  const q = new Map<string, number>();
  for (const part of header.split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    let weight = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/.exec(p);
      if (m) weight = Number(m[1]);
    }
    q.set(name.trim(), weight);
  }
  const star = q.get("*");
  const wanted = q.get(coding) ?? q.get(`x-${coding}`) ?? star ?? 0;
  const identity = q.get("identity") ?? (star === 0 ? 0 : undefined);
  return { use: wanted > 0 && (identity === undefined || wanted >= identity), identityRefused: identity === 0 };
}
