import bwipjs from 'bwip-js';
import { PNG } from 'pngjs';
import { writeFileSync } from 'node:fs';

const WIDTH = 640;
const HEIGHT = 480;

/** A GTIN-13's check digit (GS1: weights 1,3 from the left over the first 12 digits). */
export function withCheckDigit(first12: string): string {
  const sum = [...first12].reduce((s, d, i) => s + Number(d) * (i % 2 ? 3 : 1), 0);
  return first12 + ((10 - (sum % 10)) % 10);
}

/**
 * Writes a Y4M video (what Chromium's --use-file-for-fake-video-capture plays, looping) of the barcode bwip-js
 * renders for `text`, black on white in the middle of a 640x480 frame, as a shopper holds a product to the camera.
 */
export async function writeBarcodeVideo(path: string, bcid: 'ean13' | 'qrcode', text: string, frames = 5): Promise<void> {
  const png = PNG.sync.read(await bwipjs.toBuffer({ bcid, text, scale: 3, height: 20, includetext: bcid === 'ean13', paddingwidth: 10, paddingheight: 10, backgroundcolor: 'FFFFFF' }));
  if (png.width > WIDTH || png.height > HEIGHT) throw new Error(`barcode ${png.width}x${png.height} does not fit the frame`);
  const y = Buffer.alloc(WIDTH * HEIGHT, 235);
  const left = Math.floor((WIDTH - png.width) / 2);
  const top = Math.floor((HEIGHT - png.height) / 2);
  for (let row = 0; row < png.height; row++) {
    for (let col = 0; col < png.width; col++) {
      const i = (row * png.width + col) * 4;
      // BT.601 luma of the rendered pixel; the chroma planes stay neutral (grey scale).
      const luma = 16 + (65.738 * png.data[i] + 129.057 * png.data[i + 1] + 25.064 * png.data[i + 2]) / 256;
      y[(top + row) * WIDTH + left + col] = Math.round(luma);
    }
  }
  const chroma = Buffer.alloc((WIDTH / 2) * (HEIGHT / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${WIDTH} H${HEIGHT} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(path, Buffer.concat([header, ...Array.from({ length: frames }, () => frame)]));
}
