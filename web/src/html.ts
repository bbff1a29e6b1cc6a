// A tiny tagged template: interpolated values are escaped unless they are `Html` already.

export class Html {
  constructor(readonly s: string) {}
  toString(): string {
    return this.s;
  }
}

export type Part = Html | string | number | bigint | boolean | null | undefined | Part[];

const ESC: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

function part(v: Part): string {
  if (v instanceof Html) return v.s;
  if (Array.isArray(v)) return v.map(part).join("");
  if (v === null || v === undefined || v === false || v === true) return "";
  return esc(String(v));
}

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0];
  values.forEach((v, i) => {
    out += part(v) + strings[i + 1];
  });
  return new Html(out);
}

export const raw = (s: string): Html => new Html(s);
