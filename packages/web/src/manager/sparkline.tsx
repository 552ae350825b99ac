// A small uPlot line chart of one figure over time (the server panel), optionally with a limit line (the budget).
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface SparklineProps {
  /** Epoch ms of each point, oldest first. */
  times: readonly number[];
  values: readonly number[];
  /** A second line drawn dashed, e.g. the memory budget. */
  limit?: readonly number[];
  color: string;
  label: string;
  width?: number;
  height?: number;
}

function chartData(p: SparklineProps): uPlot.AlignedData {
  const xs = p.times.map((t) => t / 1000);
  return p.limit ? [xs, [...p.values], [...p.limit]] : [xs, [...p.values]];
}

export function Sparkline(p: SparklineProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const width = p.width ?? 160;
  const height = p.height ?? 36;
  const withLimit = p.limit !== undefined;

  useEffect(() => {
    if (!box.current) return;
    const series: uPlot.Series[] = [{}, { stroke: p.color, fill: `${p.color}22`, width: 1.5, points: { show: false } }];
    if (withLimit) series.push({ stroke: '#8c8c8c', dash: [4, 3], width: 1, points: { show: false } });
    const u = new uPlot(
      {
        width,
        height,
        pxAlign: false,
        cursor: { show: false },
        legend: { show: false },
        select: { show: false, left: 0, top: 0, width: 0, height: 0 },
        axes: [{ show: false }, { show: false }],
        // From zero, so a flat line near zero does not look like a busy server.
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
        series,
      },
      [[], [], ...(withLimit ? [[]] : [])],
      box.current,
    );
    chart.current = u;
    return () => {
      u.destroy();
      chart.current = null;
    };
    // The chart is made once per shape; new points come through setData below.
  }, [width, height, withLimit, p.color]);

  useEffect(() => {
    chart.current?.setData(chartData(p));
  });

  return (
    <div
      ref={box}
      className="fp-sparkline"
      role="img"
      aria-label={p.label}
      data-points={p.values.length}
      data-last={p.values.length ? p.values[p.values.length - 1] : undefined}
      style={{ width, height }}
    />
  );
}
