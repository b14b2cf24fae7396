/** A bar chart drawn by ECharts as SVG. Only the bar series and the grid, tooltip, legend and aria
 * components are registered from `echarts/core`, so the reports chunk carries no other chart type. */
import { BarChart, type BarSeriesOption } from "echarts/charts";
import {
  AriaComponent,
  type AriaComponentOption,
  GridComponent,
  type GridComponentOption,
  LegendComponent,
  type LegendComponentOption,
  TooltipComponent,
  type TooltipComponentOption,
} from "echarts/components";
import { type ComposeOption, init, use } from "echarts/core";
import { SVGRenderer } from "echarts/renderers";
import { useEffect, useRef } from "react";

use([BarChart, GridComponent, TooltipComponent, LegendComponent, AriaComponent, SVGRenderer]);

type ChartOption = ComposeOption<
  BarSeriesOption | GridComponentOption | TooltipComponentOption | LegendComponentOption | AriaComponentOption
>;

export interface BarSeries {
  name: string;
  values: (number | null)[];
}

interface ReportChartProps {
  /** What the chart shows: its accessible name (the table beside it holds the same figures). */
  label: string;
  categories: string[];
  series: BarSeries[];
  /** Bars run left to right, categories listed top to bottom (long names, e.g. stages or branches). */
  horizontal?: boolean;
  testId?: string;
}

// Blue and orange tell the two series apart for most colour-blind readers too.
const COLOURS = ["#1f5fa8", "#d46b08", "#389e0d", "#722ed1"];

export function ReportChart({ label, categories, series, horizontal = false, testId }: ReportChartProps) {
  const element = useRef<HTMLDivElement>(null);
  // Pages rebuild the arrays on every render: redraw only when the figures themselves change.
  const figures = JSON.stringify({ label, categories, series, horizontal });

  useEffect(() => {
    if (!element.current) return;
    const chart = init(element.current, undefined, { renderer: "svg" });
    const categoryAxis = { type: "category" as const, data: categories, axisLabel: { interval: 0, width: 120, overflow: "truncate" as const } };
    const valueAxis = { type: "value" as const, minInterval: 1 };
    const option: ChartOption = {
      animation: false,
      color: COLOURS,
      aria: { enabled: true, label: { description: label } },
      tooltip: { trigger: "axis" },
      legend: { show: series.length > 1, top: 0 },
      grid: { left: 8, right: 24, top: series.length > 1 ? 32 : 12, bottom: 8, containLabel: true },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
      series: series.map((one) => ({ type: "bar", name: one.name, data: one.values, barMaxWidth: 28 })),
    };
    chart.setOption(option);
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [figures]);

  const height = horizontal ? Math.max(160, categories.length * 36 * Math.max(1, series.length / 1.5) + 48) : 280;
  return <div ref={element} role="img" aria-label={label} data-testid={testId} style={{ width: "100%", height }} />;
}
