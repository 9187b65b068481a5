/**
 * Reads codes from the camera's frames: the browser's BarcodeDetector where it exists and knows the formats, else
 * the barcode-detector polyfill (ZXing in WebAssembly). The polyfill and its WASM are bundled with the app and
 * loaded only when needed; the WASM is served by the gateway, never fetched from the polyfill's default CDN.
 */
export const FORMATS = ['ean_13', 'upc_a', 'ean_8', 'qr_code'] as const;

export interface CodeReader {
  detect(source: HTMLVideoElement): Promise<string[]>;
}

interface DetectorLike {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}

interface DetectorClass {
  new (options: { formats: string[] }): DetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

async function nativeDetector(): Promise<DetectorClass | null> {
  const native = (globalThis as { BarcodeDetector?: DetectorClass }).BarcodeDetector;
  if (!native) return null;
  try {
    const supported = await native.getSupportedFormats();
    return FORMATS.every((f) => supported.includes(f)) ? native : null;
  } catch {
    return null;
  }
}

async function polyfillDetector(): Promise<DetectorClass> {
  const [{ BarcodeDetector, prepareZXingModule }, { default: wasmUrl }] = await Promise.all([
    import('barcode-detector/ponyfill'),
    import('zxing-wasm/reader/zxing_reader.wasm?url'),
  ]);
  prepareZXingModule({
    overrides: { locateFile: (path: string, prefix: string) => (path.endsWith('.wasm') ? wasmUrl : prefix + path) },
  });
  return BarcodeDetector as unknown as DetectorClass;
}

export async function createCodeReader(): Promise<CodeReader> {
  const Detector = (await nativeDetector()) ?? (await polyfillDetector());
  const detector = new Detector({ formats: [...FORMATS] });
  return {
    detect: async (source) => (await detector.detect(source)).map((b) => b.rawValue),
  };
}
