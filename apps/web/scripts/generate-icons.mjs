// Renders the SVG app icons in public/icons to the PNG sizes the web manifest lists, using the same
// Chromium the browser tests drive. Run after editing an SVG (`pnpm icons`); the PNGs are committed.
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const iconsDir = join(dirname(fileURLToPath(import.meta.url)), "..", "public", "icons");
const ICONS = [
  { svg: "icon.svg", sizes: [192, 512], out: (size) => `icon-${size}.png` },
  { svg: "icon-maskable.svg", sizes: [192, 512], out: (size) => `icon-maskable-${size}.png` },
];

const browser = await chromium.launch({
  executablePath: process.env.TESSERA_CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu"],
});
try {
  const page = await browser.newPage();
  for (const icon of ICONS) {
    const svg = await readFile(join(iconsDir, icon.svg), "utf8");
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(svg).toString("base64")}`;
    for (const size of icon.sizes) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(
        `<style>html,body{margin:0;background:transparent}</style><img src="${dataUrl}" width="${size}" height="${size}">`,
      );
      await page.locator("img").evaluate((img) => img.decode());
      await page.screenshot({ path: join(iconsDir, icon.out(size)), omitBackground: true });
      console.log(`wrote public/icons/${icon.out(size)}`);
    }
  }
} finally {
  await browser.close();
}
