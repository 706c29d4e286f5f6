/**
 * The page's static files, read once when the app is built. They live in src/web/assets/ as real
 * HTML/CSS/JS and are found relative to the package root, so the same code serves them from src/
 * (tsx, tests) and from dist/ (the built package ships src/ too). uPlot comes from node_modules:
 * the box has no internet, so nothing is fetched from a CDN.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

const PAGE_FILES: Record<string, string> = {
  'app.js': 'text/javascript; charset=utf-8',
  'i18n.js': 'text/javascript; charset=utf-8',
  'i18n-owner.js': 'text/javascript; charset=utf-8',
  'alerts.js': 'text/javascript; charset=utf-8',
  'charts.js': 'text/javascript; charset=utf-8',
  'format.js': 'text/javascript; charset=utf-8',
  'detail.js': 'text/javascript; charset=utf-8',
  'insights.js': 'text/javascript; charset=utf-8',
  'member.js': 'text/javascript; charset=utf-8',
  'consent.js': 'text/javascript; charset=utf-8',
  'registry.js': 'text/javascript; charset=utf-8',
  'login.js': 'text/javascript; charset=utf-8',
  'failed.js': 'text/javascript; charset=utf-8',
  'settings.js': 'text/javascript; charset=utf-8',
  'logs.js': 'text/javascript; charset=utf-8',
  'receipts.js': 'text/javascript; charset=utf-8',
  'footer-card.js': 'text/javascript; charset=utf-8',
  'i18n-views.js': 'text/javascript; charset=utf-8',
  'i18n-settings.js': 'text/javascript; charset=utf-8',
  'i18n-insights.js': 'text/javascript; charset=utf-8',
  'i18n-problems.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'views.css': 'text/css; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

export function packageRoot(from = import.meta.dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'tillbox') return dir;
    if (dirname(dir) === dir) throw new Error(`tillbox package root not found above ${from}`);
  }
}

export function loadAssets(): { index: Asset; files: Map<string, Asset> } {
  const dir = join(packageRoot(), 'src', 'web', 'assets');
  const files = new Map<string, Asset>();
  for (const [name, type] of Object.entries(PAGE_FILES)) files.set(name, asset(readFileSync(join(dir, name)), type));
  const require = createRequire(import.meta.url);
  files.set('uplot.js', asset(readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js')), 'text/javascript; charset=utf-8'));
  files.set('uplot.css', asset(readFileSync(require.resolve('uplot/dist/uPlot.min.css')), 'text/css; charset=utf-8'));
  return { index: asset(readFileSync(join(dir, 'index.html')), 'text/html; charset=utf-8'), files };
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
