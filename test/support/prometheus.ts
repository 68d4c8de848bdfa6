/** The value of one sample line of Prometheus's text format, `name{labels} value`; 0 when the line is absent. */
export function metricSample(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}
