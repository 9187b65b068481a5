import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WEB_TERMINAL_ROUTES } from './web-terminal';

/**
 * The web app's client routes (apps/web-terminal/src/app/routes.ts, the terminal's and the merchant console's) are
 * each answered with index.html, so a reload or a shared link on any of them opens the app. Read as text: the
 * gateway does not import the web app.
 */
describe('the routes the gateway answers with the web app', () => {
  it('include every route of the web app', () => {
    const source = readFileSync(join(__dirname, '../../../web-terminal/src/app/routes.ts'), 'utf8');
    const block = /export const ROUTES = \{([\s\S]*?)\} as const/.exec(source)?.[1] ?? '';
    const appRoutes = [...block.matchAll(/:\s*'(\/[^']*)'/g)].map((m) => m[1]);
    expect(appRoutes).toEqual(expect.arrayContaining(['/scan', '/merchant/coupons/:couponId']));
    expect(WEB_TERMINAL_ROUTES).toEqual(expect.arrayContaining(appRoutes));
  });
});
