// Chart colours come from the theme (app/globals.css --chart-1..8), so light and dark both work.
export const CHART_COLORS = Array.from({ length: 8 }, (_, i) => `var(--chart-${i + 1})`);

export function chartColor(index: number): string {
  return CHART_COLORS[index % CHART_COLORS.length];
}
