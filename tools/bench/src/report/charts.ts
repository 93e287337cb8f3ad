// Charts of a benchmark run: Vega-Lite specs compiled to Vega, rendered to SVG headless, converted to
// PNG with resvg (system fonts). Each spec is a plain function of the rows it shows.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

export interface BarRow {
  label: string;
  group: string;
  value: number;
  min: number;
  max: number;
}

const FONT = 'DejaVu Sans';

/** Horizontal bars (median) with min–max whiskers, one bar per label, coloured by group. */
export function barSpec(title: string, unit: string, rows: BarRow[]): TopLevelSpec {
  const y = { field: 'label', type: 'nominal' as const, sort: null, title: null, axis: { labelLimit: 420 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 520,
    background: 'white',
    config: { font: FONT },
    data: { values: rows },
    layer: [
      {
        mark: { type: 'bar' },
        encoding: {
          y,
          x: { field: 'value', type: 'quantitative', title: unit },
          color: { field: 'group', type: 'nominal', title: null, legend: { orient: 'bottom' } },
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { y, x: { field: 'min', type: 'quantitative' }, x2: { field: 'max' } },
      },
      {
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10 },
        encoding: {
          y,
          x: { field: 'max', type: 'quantitative' },
          text: { field: 'value', type: 'quantitative', format: ',.0f' },
        },
      },
    ],
  };
}

/** Grouped bars: one group of bars per client count, one bar per server. */
export function groupedSpec(title: string, unit: string, rows: BarRow[]): TopLevelSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    background: 'white',
    config: { font: FONT },
    data: { values: rows },
    facet: { column: { field: 'group', type: 'nominal', title: 'clients', sort: null } },
    spec: {
      width: 220,
      layer: [
        {
          mark: 'bar',
          encoding: {
            x: { field: 'label', type: 'nominal', title: null, sort: null },
            y: { field: 'value', type: 'quantitative', title: unit },
            color: { field: 'label', type: 'nominal', title: null, legend: null },
          },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: {
            x: { field: 'label', type: 'nominal', sort: null },
            y: { field: 'min', type: 'quantitative' },
            y2: { field: 'max' },
          },
        },
      ],
    },
  };
}

export async function renderPng(spec: TopLevelSpec, file: string): Promise<void> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT } }).render().asPng();
  await writeFile(file, png);
}

export const chartPath = (dir: string, name: string) => join(dir, `${name}.png`);
