/**
 * A hand-written grouped bar chart in SVG: panels side by side, each with
 * its own linear axis (a dispatched round trip costs ten times what an
 * allowed syscall's check does, and would flatten it on a shared axis).
 */

export interface Series {
  name: string;
  color: string;
  /**
   * False: the series does not stretch the axis; a bar beyond it is cut at
   * the top with a break mark and labelled with its value (the engine's
   * wall time would otherwise flatten the kernel's figures).
   */
  scalesAxis?: boolean;
}

export interface BarGroup {
  /** Label under the group; `\n` splits it over lines. */
  label: string;
  /** One value per series; null draws "n/a". */
  values: (number | null)[];
  /** Optional text drawn above a bar instead of its value (e.g. "< 5"). */
  texts?: (string | null)[];
  /** Optional spread per bar, drawn as a whisker of +-error around the bar's end. */
  errors?: (number | null)[];
}

export interface Panel {
  title: string;
  groups: BarGroup[];
}

export interface BarChart {
  title: string;
  subtitle: string;
  yLabel: string;
  series: Series[];
  panels: Panel[];
  footer?: string;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Axis ticks at 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const range = hi - lo || 1;
  const raw = range / count;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? 10 * p;
  const out: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  if (out[out.length - 1] < hi) out.push(out[out.length - 1] + step);
  return out;
}

function num(v: number): string {
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(1);
}

export function barChartSvg(c: BarChart): string {
  const W = 1000;
  const H = 520;
  const top = 96;
  const bottom = H - 110;
  const left = 70;
  const gap = 60;
  const usable = W - left - 20 - gap * (c.panels.length - 1);
  // a panel with few groups still gets room for its title and labels
  const weight = (p: Panel) => Math.max(p.groups.length, 2.6);
  const totalWeight = c.panels.reduce((s, p) => s + weight(p), 0);
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  parts.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  parts.push(`<text x="${W / 2}" y="26" text-anchor="middle" font-size="17" font-weight="bold">${esc(c.title)}</text>`);
  parts.push(`<text x="${W / 2}" y="46" text-anchor="middle" fill="#444">${esc(c.subtitle)}</text>`);
  // legend
  let lx = left;
  for (const s of c.series) {
    parts.push(`<rect x="${lx}" y="60" width="14" height="14" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 20}" y="72">${esc(s.name)}</text>`);
    lx += 30 + s.name.length * 6.6;
  }
  let x0 = left;
  for (const p of c.panels) {
    const pw = (usable * weight(p)) / totalWeight;
    const vals = p.groups.flatMap((g) => g.values.filter((v, si): v is number => v !== null && c.series[si].scalesAxis !== false));
    // only the top is cut: a small negative bar (noise) stays on the axis
    const lowest = Math.min(0, ...p.groups.flatMap((g) => g.values.filter((v): v is number => v !== null)));
    const ticks = niceTicks(Math.max(lowest, -Math.max(1, ...vals)), Math.max(1, ...vals));
    const lo = ticks[0];
    const hi = ticks[ticks.length - 1];
    const y = (v: number) => bottom - ((v - lo) / (hi - lo)) * (bottom - top - 20);
    parts.push(`<text x="${x0 + pw / 2}" y="${top}" text-anchor="middle" font-weight="bold">${esc(p.title)}</text>`);
    for (const t of ticks) {
      parts.push(`<line x1="${x0}" x2="${x0 + pw}" y1="${y(t)}" y2="${y(t)}" stroke="${t === 0 ? '#000' : '#ddd'}"/>`);
      parts.push(`<text x="${x0 - 6}" y="${y(t) + 4}" text-anchor="end" fill="#333">${num(t)}</text>`);
    }
    parts.push(`<line x1="${x0}" x2="${x0}" y1="${y(lo)}" y2="${y(hi)}" stroke="#000"/>`);
    const gw = pw / p.groups.length;
    const bw = (gw * 0.8) / c.series.length;
    p.groups.forEach((g, gi) => {
      const gx = x0 + gi * gw + gw * 0.1;
      g.values.forEach((v, si) => {
        const bx = gx + si * bw;
        const color = c.series[si].color;
        if (v === null) {
          parts.push(`<text x="${bx + bw / 2}" y="${y(0) - 4}" text-anchor="middle" font-size="9" fill="#888" transform="rotate(-90 ${bx + bw / 2} ${y(0) - 4})">n/a</text>`);
          return;
        }
        const cut = v > hi || v < lo;
        const y1 = y(Math.min(Math.max(v, 0), hi));
        const y2 = y(Math.max(Math.min(v, 0), lo));
        parts.push(`<rect x="${bx + 1}" y="${y1}" width="${bw - 2}" height="${Math.max(y2 - y1, 0.5)}" fill="${color}"><title>${esc(`${g.label.replace(/\n/g, ' ')}, ${c.series[si].name}: ${num(v)} ns`)}</title></rect>`);
        if (cut) {
          // the break mark: this bar goes on beyond the axis
          const yb = v > hi ? y1 + 12 : y2 - 12;
          parts.push(`<path d="M${bx} ${yb + 3} l${bw / 2} -6 l${bw / 2} 6" stroke="white" stroke-width="3" fill="none"/>`);
        }
        const err = g.errors?.[si];
        if (err && !cut) {
          const ya = y(Math.min(v + err, hi));
          const yb = y(Math.max(v - err, lo));
          const cx = bx + bw / 2;
          parts.push(`<path d="M${cx} ${ya} V${yb} M${cx - 3} ${ya} h6 M${cx - 3} ${yb} h6" stroke="#333" stroke-width="1" fill="none"/>`);
        }
        const text = g.texts?.[si] ?? (cut ? `${v > 0 ? '↑' : '↓'} ${num(v)}` : num(v));
        const tyTop = err && !cut && v >= 0 ? Math.min(y1, y(Math.min(v + err, hi))) : y1;
        const ty = v >= 0 ? tyTop - 3 : y2 + 10;
        parts.push(`<text x="${bx + bw / 2}" y="${ty}" text-anchor="middle" font-size="9" fill="#222">${esc(text)}</text>`);
      });
      g.label.split('\n').forEach((line, li) => {
        parts.push(`<text x="${x0 + gi * gw + gw / 2}" y="${bottom + 18 + li * 14}" text-anchor="middle">${esc(line)}</text>`);
      });
    });
    x0 += pw + gap;
  }
  parts.push(`<text x="18" y="${(top + bottom) / 2}" text-anchor="middle" transform="rotate(-90 18 ${(top + bottom) / 2})">${esc(c.yLabel)}</text>`);
  if (c.footer) {
    c.footer.split('\n').forEach((line, i) => parts.push(`<text x="${left}" y="${H - 34 + i * 14}" fill="#555" font-size="11">${esc(line)}</text>`));
  }
  parts.push('</svg>');
  return parts.join('\n') + '\n';
}
