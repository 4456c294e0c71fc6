// Runs after `npm ci` in web/: copies the files the pages load from node_modules/ to vendor/,
// so the server hands them out from its own static root and no page loads anything from
// elsewhere. vendor/ is not committed; this script recreates it.
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const vendor = join(here, 'vendor');
const modules = join(here, 'node_modules');

// [from under node_modules/, to under vendor/]
const files = [
  // Apache ECharts, the ES module build (one self-contained file).
  ['echarts/dist/echarts.esm.min.mjs', 'echarts.esm.min.mjs'],
  ['echarts/LICENSE', 'echarts.LICENSE.txt'],
  ['echarts/NOTICE', 'echarts.NOTICE.txt'],
  // The map of China by province (GB/T 2260 codes as feature ids) that Apache ECharts 4
  // shipped with its package; ECharts 5 and later no longer carry map data.
  ['echarts-map-data/map/json/china.json', 'china.json'],
  // Kazuhiko Arase's QR code generator (MIT, the notice is in the file's header), for the
  // printable invitation slips; the ES module build, no dependencies.
  ['qrcode-generator/dist/qrcode.mjs', 'qrcode.mjs'],
];

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const [from, to] of files) copyFileSync(join(modules, from), join(vendor, to));
console.log(`vendor/: ${files.length} files copied`);
