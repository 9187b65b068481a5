import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Built to dist/apps/web-terminal/site, which the gateway serves at `/`. Everything the page loads is in there,
 * the barcode decoder's WASM included (no CDN). Content-hashed files go under assets/ (cached for a year).
 */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/web-terminal/site', import.meta.url)),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The decoder's WASM stays a file of its own (fetched only when the browser lacks BarcodeDetector).
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
  test: {
    root,
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
